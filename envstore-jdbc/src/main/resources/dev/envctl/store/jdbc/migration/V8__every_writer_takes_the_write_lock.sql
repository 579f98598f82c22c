-- Every writer of clusters and hosts takes the store's write lock, not only envctl. Until V7 a writer outside
-- envctl (the Kindler scripts' psql) took no lock, so its trigger could set run ends without seeing another
-- session's uncommitted rows (two inserts of adjacent ports committed at once left a stale run end), and it
-- could commit a port between an envctl create's lookups and its insert. Now each statement on these tables
-- first waits for the lock envctl's writes hold (the transaction advisory lock of envctl:writes:<schema>, the
-- key envctl computes: the first 8 bytes of its SHA-256, big-endian); envctl's own statements already hold it,
-- and taking it again in the same transaction does not wait. Under READ COMMITTED (PostgreSQL's default, and
-- psql's), the held-table triggers then read every row committed before the lock was granted.
/* [jooq ignore start] */

CREATE FUNCTION envctl_write_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(('x' || encode(substr(sha256(convert_to('envctl:writes:' || TG_TABLE_SCHEMA,
        'UTF8')), 1, 8), 'hex'))::bit(64)::bigint);
    RETURN NULL;
END $$;

-- BEFORE each statement, so the lock is taken before the statement locks any row: a writer never holds a row
-- another writer waits for while it waits for the lock.
CREATE TRIGGER clusters_write_lock BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON clusters
    FOR EACH STATEMENT EXECUTE FUNCTION envctl_write_lock();
CREATE TRIGGER hosts_write_lock BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON hosts
    FOR EACH STATEMENT EXECUTE FUNCTION envctl_write_lock();

-- Run ends left stale by unlocked writers before this version, set right once.
UPDATE held_ports h SET run_end = NOT EXISTS (SELECT 1 FROM held_ports n WHERE n.host = h.host AND n.port = h.port + 1)
    WHERE run_end = EXISTS (SELECT 1 FROM held_ports n WHERE n.host = h.host AND n.port = h.port + 1);
UPDATE held_subnets h SET run_end = NOT EXISTS (SELECT 1 FROM held_subnets n
                                                WHERE n.first_address = h.last_address + 1)
    WHERE run_end = EXISTS (SELECT 1 FROM held_subnets n WHERE n.first_address = h.last_address + 1);

/* [jooq ignore stop] */
