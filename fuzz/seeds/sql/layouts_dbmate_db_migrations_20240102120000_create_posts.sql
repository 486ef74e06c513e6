-- migrate:up
CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    title text NOT NULL
);
CREATE INDEX posts_user_id_idx ON posts (user_id);

-- migrate:down
DROP TABLE posts;
DROP TABLE users;
