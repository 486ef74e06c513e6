-- Tables made from queries: their column types come from the query.
CREATE TABLE post_like (
    person_id int NOT NULL REFERENCES person (id),
    post_id bigint NOT NULL REFERENCES post (id),
    score smallint NOT NULL,
    published timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, post_id)
);
CREATE TABLE post_saved (
    person_id int NOT NULL REFERENCES person (id),
    post_id bigint NOT NULL REFERENCES post (id),
    published timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, post_id)
);

CREATE TABLE post_actions AS
SELECT
    person_id,
    post_id,
    max(liked) AS liked_at,
    max(saved) AS saved_at,
    max(like_score) = 1 AS vote_is_upvote,
    count(*) AS events,
    sum(like_score) AS total,
    'x' AS label
FROM (
    SELECT person_id, post_id, score AS like_score, published AS liked, NULL::timestamptz AS saved
    FROM post_like
    UNION ALL
    SELECT person_id, post_id, NULL::smallint, NULL::timestamptz, published
    FROM post_saved) AS merged
GROUP BY person_id, post_id;

ALTER TABLE post_actions
    ALTER COLUMN person_id SET NOT NULL,
    ALTER COLUMN post_id SET NOT NULL,
    ADD PRIMARY KEY (person_id, post_id);
DROP TABLE post_like, post_saved;

SELECT id, name INTO person_names FROM person;
ALTER TABLE person_names ADD PRIMARY KEY (id);

-- Gone at the end of the transaction: never part of the schema.
CREATE TEMP TABLE scratch ON COMMIT DROP AS SELECT id FROM person;
