-- CHECK constraints, written the ways people write them; the catalog prints each one
-- rewritten (`IN` as `= ANY (ARRAY[…])`, `BETWEEN` as two comparisons, `LIKE` as `~~`, casts
-- on every constant), and the model must compare them by meaning.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');

CREATE TABLE reading (
    id int PRIMARY KEY,
    price numeric(10,2) NOT NULL DEFAULT 0 CHECK (price >= 0),
    discount numeric(10,2) DEFAULT '0',
    fee numeric(10,2) DEFAULT 0.5,
    tax numeric(10,2) DEFAULT 0::numeric(10,2),
    qty int CHECK (qty > 0 AND qty < 1000),
    status text CHECK (status IN ('a', 'b', 'c')),
    code varchar(10) CHECK (code NOT IN ('x', 'y')),
    age int CHECK (age BETWEEN 0 AND 150),
    age2 int CHECK (age2 NOT BETWEEN 5 AND 10),
    label varchar(20) CHECK (length(label) > 2),
    email text CHECK (email ~* '^.+@.+$'),
    a int,
    b int,
    m mood NOT NULL DEFAULT 'ok' CHECK (m <> 'sad'),
    m2 mood,
    d date CHECK (d > '2020-01-01'),
    ts timestamptz CHECK (ts < now() + interval '1 day'),
    r real CHECK (r != 0.5),
    flag boolean CHECK (flag IS NOT NULL),
    CONSTRAINT ab CHECK (((a IS NULL) OR (b IS NOT NULL))),
    CONSTRAINT ab2 CHECK (a + b * 2 > -1),
    CONSTRAINT ab3 CHECK (coalesce(a, 0) <= coalesce(b, 0)) NO INHERIT,
    CONSTRAINT m2c CHECK (m2 IN ('ok', 'happy')),
    CONSTRAINT label_not_empty CHECK (label::text <> ''),
    CONSTRAINT cs CHECK (CASE WHEN a > 0 THEN b > 0 ELSE true END)
);
ALTER TABLE reading ADD CONSTRAINT a_not_seven CHECK (a <> 7) NOT VALID;
-- NOT VALID, then validated by a later statement: the catalog's `convalidated` follows, and so
-- must the model (one CHECK and one foreign key stay NOT VALID, one of each is validated).
ALTER TABLE reading ADD CONSTRAINT b_not_seven CHECK (b <> 7) NOT VALID;
ALTER TABLE reading VALIDATE CONSTRAINT b_not_seven;
CREATE TABLE reading_note (id int PRIMARY KEY, reading_id int, other_id int);
CREATE INDEX reading_note_reading ON reading_note (reading_id);
CREATE INDEX reading_note_other ON reading_note (other_id);
ALTER TABLE reading_note ADD CONSTRAINT reading_note_reading_fk
    FOREIGN KEY (reading_id) REFERENCES reading (id) NOT VALID;
ALTER TABLE reading_note ADD CONSTRAINT reading_note_other_fk
    FOREIGN KEY (other_id) REFERENCES reading (id) NOT VALID;
ALTER TABLE reading_note VALIDATE CONSTRAINT reading_note_other_fk;
ALTER TABLE reading ADD CONSTRAINT status_any CHECK (status = ANY (ARRAY['a', 'b']));
ALTER TABLE reading ADD CONSTRAINT code_similar CHECK (code SIMILAR TO 'x%');
ALTER TABLE reading ADD CONSTRAINT code_like CHECK (code LIKE 'x%' AND email NOT ILIKE '%@x');
ALTER TABLE reading ADD CONSTRAINT ab_distinct CHECK (a IS DISTINCT FROM b);
ALTER TABLE reading ADD CONSTRAINT m_cast CHECK (m::text <> 'sad' OR m = 'sad'::mood);

CREATE INDEX reading_happy ON reading (id) WHERE m = 'happy';
CREATE INDEX reading_some ON reading (id) WHERE m IN ('ok', 'sad') AND status <> 'sad';
ALTER TABLE reading ENABLE ROW LEVEL SECURITY;
CREATE POLICY reading_ok ON reading USING (m = 'ok' OR m2 = ANY (ARRAY['sad'::mood]));
-- Index and EXCLUDE predicates and policies share the CHECKs' comparison form.
CREATE INDEX reading_young_x ON reading (id) WHERE age BETWEEN 1 AND 5 AND code LIKE 'x%';
CREATE POLICY reading_adult ON reading FOR SELECT USING (age NOT BETWEEN 0 AND 17 OR email ILIKE '%@x');
ALTER TABLE booking ADD CONSTRAINT booking_no_overlap_x
    EXCLUDE USING gist (tstzrange(starts, ends) WITH &&) WHERE (id BETWEEN 1 AND 100);
CREATE VIEW sad_readings AS
    SELECT id, status FROM reading WHERE m = 'sad' AND m2 <> 'ok'::mood AND status <> 'sad';
-- The catalog prints a view's `IN (…)` as `= ANY (ARRAY[…])` (one value as `=`) and
-- `BETWEEN` as two comparisons, in WHERE, JOIN … ON and ORDER BY alike.
CREATE VIEW picked_readings AS
    SELECT r.id, n.other_id FROM reading r
    JOIN reading_note n ON n.reading_id BETWEEN r.id AND r.id + 10
    WHERE r.status IN ('a', 'b') AND r.code NOT IN ('x') AND r.age NOT BETWEEN 5 AND 9
    ORDER BY CASE WHEN r.qty IN (1, 2) THEN 0 ELSE 1 END;

-- The catalog keeps an enum constant as the label's OID: after these renames it prints the
-- new labels in every CHECK, index predicate, policy and view above, but not in a text comparison
-- (`m::text <> 'sad'`, `status <> 'sad'`).
ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';
ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';
-- A renamed column is renamed inside its CHECK.
ALTER TABLE reading RENAME COLUMN qty TO quantity;
