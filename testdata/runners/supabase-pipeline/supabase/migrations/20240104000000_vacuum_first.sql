VACUUM t;
CREATE TABLE w (c int);
