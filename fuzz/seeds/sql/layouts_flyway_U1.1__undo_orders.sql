-- Undo migration (Flyway Teams): never part of a forward replay.
DROP TABLE orders;
DROP TABLE users;
