-- Queries, notices and assignments in a DO block change nothing; the DDL in its IF runs.
DO $$
DECLARE
    n int;
BEGIN
    SELECT count(*) INTO n FROM person;
    n := n + 1;
    IF current_setting('server_version_num')::int >= 100000 THEN
        ALTER TABLE person ADD COLUMN bio text DEFAULT '';
    END IF;
    RAISE NOTICE 'people: %', n;
END $$;
