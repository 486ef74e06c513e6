-- NULLS NOT DISTINCT makes another index; a plain prefix of a unique index is redundant.
CREATE TABLE codes (a int, b int);
CREATE UNIQUE INDEX codes_ab ON codes (a, b);
CREATE UNIQUE INDEX codes_ab_nnd ON codes (a, b) NULLS NOT DISTINCT;
CREATE INDEX codes_a ON codes (a);

CREATE TABLE orgs (id int PRIMARY KEY, region int NOT NULL, UNIQUE (id, region));

-- org_id is the primary key's first column: supported; user_id is its second: not.
CREATE TABLE members (
    org_id int REFERENCES orgs,
    user_id bigint REFERENCES users,
    PRIMARY KEY (org_id, user_id)
);

-- A composite foreign key indexed in the other order is supported.
CREATE TABLE sites (
    id int PRIMARY KEY,
    org_id int,
    region int,
    FOREIGN KEY (org_id, region) REFERENCES orgs (id, region)
);
CREATE INDEX sites_region_org ON sites (region, org_id);

CREATE TABLE posts (
    id int PRIMARY KEY,
    author_id bigint REFERENCES users,
    editor_id bigint REFERENCES users,
    org_id int REFERENCES orgs,
    reviewer_id bigint REFERENCES users,
    site_id int REFERENCES sites,
    site_region int
);
-- WHERE author_id IS NOT NULL holds for every row the check looks up: supported.
CREATE INDEX posts_author_nn ON posts (author_id) WHERE author_id IS NOT NULL;
-- Another predicate: only partially supported.
CREATE INDEX posts_editor_live ON posts (editor_id) WHERE id > 0;
-- A hash index supports a one-column foreign key.
CREATE INDEX posts_org_hash ON posts USING hash (org_id);
-- An expression never does.
CREATE INDEX posts_reviewer_expr ON posts ((reviewer_id + 0));
-- A GIN-free, BRIN one neither.
CREATE INDEX posts_site_brin ON posts USING brin (site_id);
