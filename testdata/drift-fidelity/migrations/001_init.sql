-- Defaults written the way people write them; PostgreSQL stores most of them differently.
CREATE TYPE registration_mode AS ENUM ('closed', 'require_application', 'open');
CREATE TYPE status AS ENUM ('draft', 'live');

CREATE TABLE user_ (
    id serial PRIMARY KEY,
    name varchar(40) NOT NULL,
    mode registration_mode NOT NULL DEFAULT 'require_application',
    state status DEFAULT 'draft',
    settings jsonb NOT NULL DEFAULT '{"theme":"dark","notify":true}',
    tags text[] NOT NULL DEFAULT ARRAY['NEW']::text[],
    published timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    local_at timestamp DEFAULT '2024-01-01 00:00:00+00',
    next_reminder timestamptz DEFAULT now() - random() * '12 months'::interval,
    grace interval DEFAULT '36 hours',
    ratio double precision DEFAULT '0.5',
    note text DEFAULT NULL
);

CREATE TABLE post (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    creator_id int NOT NULL REFERENCES user_ (id),
    score smallint NOT NULL DEFAULT 0,
    published timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON post (creator_id);

-- An exclusion constraint on an expression: the catalog lists no column for it.
CREATE TABLE booking (
    id int PRIMARY KEY,
    starts timestamptz NOT NULL,
    ends timestamptz NOT NULL,
    CONSTRAINT booking_no_overlap EXCLUDE USING gist (tstzrange(starts, ends) WITH &&)
);
