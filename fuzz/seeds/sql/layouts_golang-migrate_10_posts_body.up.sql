ALTER TABLE posts ADD COLUMN body text;
CREATE INDEX posts_user_id_title_idx ON posts (user_id, title);
DROP INDEX posts_user_id_idx;
