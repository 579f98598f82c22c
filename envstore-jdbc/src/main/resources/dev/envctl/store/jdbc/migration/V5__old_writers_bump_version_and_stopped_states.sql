-- Coexistence with the replaced system's psql writers, and the 'stopped' states of envctl stop/start.
/* [jooq ignore start] */

-- 'stopped' as a desired and as an actual state.
ALTER TABLE clusters DROP CONSTRAINT clusters_desired_state_check;
ALTER TABLE clusters ADD CONSTRAINT clusters_desired_state_check
    CHECK (desired_state IN ('present', 'stopped', 'absent'));
ALTER TABLE clusters DROP CONSTRAINT clusters_actual_state_check;
ALTER TABLE clusters ADD CONSTRAINT clusters_actual_state_check
    CHECK (actual_state IN ('unknown', 'creating', 'running', 'stopped', 'failed', 'deleting'));

-- created_at and updated_at hold UTC wall-clock times (timestamp without time zone). Defaults as envctl
-- writes them: UTC at millisecond precision, whatever the server's or the session's TimeZone.
ALTER TABLE clusters ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE clusters ALTER COLUMN updated_at SET DEFAULT date_trunc('milliseconds', CURRENT_TIMESTAMP AT TIME ZONE 'UTC');

-- An update that leaves version as it was comes from a writer that does not know it (the replaced system's
-- db_insert_cluster upsert, a hand-written psql UPDATE): when it changes the row's data, the row gets the
-- next version, so an envctl writer holding the old one fails its optimistic check instead of overwriting
-- the change; and its updated_at (the old upsert writes CURRENT_TIMESTAMP, which a timestamp column keeps
-- in the session's time zone) becomes the UTC time of the statement. envctl's own updates set version to
-- the expected one plus one and their own UTC updated_at, and pass unchanged (one bump, not two).
CREATE FUNCTION envctl_clusters_old_writer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version IS DISTINCT FROM OLD.version THEN
        RETURN NEW;
    END IF;
    IF (to_jsonb(NEW) - 'updated_at') IS DISTINCT FROM (to_jsonb(OLD) - 'updated_at') THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := date_trunc('milliseconds', statement_timestamp() AT TIME ZONE 'UTC');
    ELSIF NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := date_trunc('milliseconds', statement_timestamp() AT TIME ZONE 'UTC');
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER clusters_old_writer BEFORE UPDATE ON clusters
    FOR EACH ROW EXECUTE FUNCTION envctl_clusters_old_writer();

/* [jooq ignore stop] */
