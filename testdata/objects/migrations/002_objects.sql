-- Table kinds, partitions attached and detached, inheritance, functions, a procedure, a
-- trigger, views.
CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    note text
);
CREATE UNLOGGED TABLE cache_entries (key text PRIMARY KEY, value jsonb);

CREATE TABLE measurements (id int NOT NULL, taken_on date NOT NULL, value numeric) PARTITION BY RANGE (taken_on);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurements_2025 (id int NOT NULL, taken_on date NOT NULL, value numeric);
ALTER TABLE measurements ATTACH PARTITION measurements_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
ALTER TABLE measurements DETACH PARTITION measurements_2023;

CREATE TABLE events (id int PRIMARY KEY, kind text);
CREATE TABLE click_events (target text) INHERITS (events);

CREATE FUNCTION touch_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- never leave the note empty
    NEW.note := coalesce(NEW.note, 'none');
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_touch BEFORE INSERT OR UPDATE OF note ON audit_log
    FOR EACH ROW WHEN (NEW.note IS NULL) EXECUTE FUNCTION touch_note();

CREATE FUNCTION room_label(room_id int, prefix varchar DEFAULT 'Room') RETURNS text
    LANGUAGE sql STABLE AS $$ SELECT prefix || ' ' || room_id::text $$;
CREATE PROCEDURE purge_audit(before timestamptz) LANGUAGE sql
    AS $$ DELETE FROM audit_log WHERE at < before $$;

CREATE VIEW room_names AS SELECT r.id, upper(r.name) AS name FROM rooms r WHERE r.name <> '';
CREATE MATERIALIZED VIEW booking_counts AS
    SELECT room_id, count(*) AS n FROM bookings WHERE NOT canceled GROUP BY room_id;
CREATE VIEW all_rooms AS SELECT * FROM rooms;
CREATE VIEW recent_notes AS
    SELECT a.id, a.note, b.room_id FROM audit_log a JOIN bookings b ON b.id = a.id
    WHERE a.at > now() - interval '1 day' AND a.note LIKE 'x%' AND b.room_id != 0;
