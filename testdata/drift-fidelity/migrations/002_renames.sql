-- The catalog follows these by OID: the serial default names the renamed sequence, the enum
-- default the renamed label, the column the renamed type.
ALTER TABLE user_ RENAME TO person;
ALTER SEQUENCE user__id_seq RENAME TO person_id_seq;
ALTER TYPE registration_mode RENAME VALUE 'require_application' TO 'RequireApplication';
ALTER TYPE registration_mode ADD VALUE 'invite' BEFORE 'open';
ALTER TYPE registration_mode ADD VALUE 'sso' AFTER 'closed';
ALTER TYPE status RENAME TO post_state;
