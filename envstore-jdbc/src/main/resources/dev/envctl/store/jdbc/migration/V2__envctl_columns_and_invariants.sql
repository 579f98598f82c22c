-- envctl's columns and the invariants the database enforces. Old readers of `SELECT * FROM clusters` keep
-- working: columns are only added or widened. Timestamps hold UTC.

-- Plugin provider ids of up to 32 characters instead of the fixed ('k3d', 'kind').
ALTER TABLE clusters DROP CONSTRAINT IF EXISTS clusters_provider_check;
ALTER TABLE clusters ALTER COLUMN provider TYPE varchar(32);

ALTER TABLE clusters ADD COLUMN api_port int;
ALTER TABLE clusters ADD COLUMN labels jsonb DEFAULT '{}' NOT NULL;
ALTER TABLE clusters ADD COLUMN options jsonb DEFAULT '{}' NOT NULL;
ALTER TABLE clusters ADD COLUMN desired_state varchar(16) DEFAULT 'present' NOT NULL;
ALTER TABLE clusters ADD COLUMN actual_state varchar(16) DEFAULT 'unknown' NOT NULL;
ALTER TABLE clusters ADD COLUMN last_error text;
ALTER TABLE clusters ADD COLUMN version bigint DEFAULT 1 NOT NULL;

-- Rows of the replaced system may lack these; envctl reads them as required values.
/* [jooq ignore start] */
UPDATE clusters SET provider = 'k3d' WHERE provider IS NULL;
UPDATE clusters SET node_port = 30080 WHERE node_port IS NULL;
UPDATE clusters SET created_at = COALESCE(created_at, updated_at, CURRENT_TIMESTAMP AT TIME ZONE 'UTC')
    WHERE created_at IS NULL;
UPDATE clusters SET updated_at = created_at WHERE updated_at IS NULL;
-- old scripts that insert without timestamps keep working
ALTER TABLE clusters ALTER COLUMN created_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE clusters ALTER COLUMN updated_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
/* [jooq ignore stop] */
ALTER TABLE clusters ALTER COLUMN provider SET NOT NULL;
ALTER TABLE clusters ALTER COLUMN node_port SET DEFAULT 30080;
ALTER TABLE clusters ALTER COLUMN node_port SET NOT NULL;
ALTER TABLE clusters ALTER COLUMN created_at SET NOT NULL;
ALTER TABLE clusters ALTER COLUMN updated_at SET NOT NULL;

ALTER TABLE clusters ADD CONSTRAINT clusters_ports_range CHECK (
        http_port BETWEEN 1 AND 65535 AND https_port BETWEEN 1 AND 65535 AND pf_port BETWEEN 1 AND 65535
        AND api_port BETWEEN 1 AND 65535 AND node_port BETWEEN 1 AND 65535);
ALTER TABLE clusters ADD CONSTRAINT clusters_desired_state_check CHECK (desired_state IN ('present', 'absent'));
ALTER TABLE clusters ADD CONSTRAINT clusters_actual_state_check
    CHECK (actual_state IN ('unknown', 'creating', 'running', 'failed', 'deleting'));
ALTER TABLE clusters ADD CONSTRAINT clusters_version_check CHECK (version >= 1);

-- Every host port, whatever its role, is a row here: the primary key makes a port held at most once.
-- run_end is true when port + 1 is not held, so the lowest free port at or above P is P itself or the
-- first run end at or above P, plus one: one probe of a partial index, however many ports are held.
CREATE TABLE held_ports (
    port     int PRIMARY KEY CHECK (port BETWEEN 1 AND 65535),
    name     varchar(63) NOT NULL REFERENCES clusters (name) ON DELETE CASCADE ON UPDATE CASCADE,
    role     varchar(8) NOT NULL CHECK (role IN ('http', 'https', 'pf', 'api')),
    run_end  boolean DEFAULT true NOT NULL,
    CONSTRAINT held_ports_name_role UNIQUE (name, role)
);

-- Every subnet as a range of addresses (numbers), kept in step with clusters.subnet by the same trigger.
-- run_end is true when the address after last_address starts no held subnet, so the lowest free block of a
-- pool is its first block or the first aligned block after a run end: with subnets allocated lowest-first
-- there are few run ends, however many subnets are held. (Overlap itself is the exclusion constraint's.)
CREATE TABLE held_subnets (
    first_address  bigint PRIMARY KEY,
    last_address   bigint NOT NULL,
    name           varchar(63) NOT NULL UNIQUE REFERENCES clusters (name) ON DELETE CASCADE ON UPDATE CASCADE,
    run_end        boolean DEFAULT true NOT NULL
);
CREATE INDEX held_subnets_last ON held_subnets (last_address);

/* [jooq ignore start] */
ALTER TABLE clusters ADD CONSTRAINT clusters_name_check
    CHECK (name ~ '^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$');
ALTER TABLE clusters ADD CONSTRAINT clusters_provider_id_check CHECK (provider ~ '^[a-z][a-z0-9-]{0,31}$');

-- No two subnets share an address (not only "are equal"); NULL (the shared network) never conflicts.
ALTER TABLE clusters ADD CONSTRAINT clusters_subnet_excl EXCLUDE USING gist (subnet inet_ops WITH &&);
ALTER TABLE clusters ADD CONSTRAINT clusters_subnet_ipv4 CHECK (family(subnet) = 4);

CREATE INDEX held_ports_run_ends ON held_ports (port) WHERE run_end;
CREATE INDEX held_subnets_run_ends ON held_subnets (last_address) WHERE run_end;

-- Function bodies name the schema: old writers with another search_path still keep held_ports in step.
-- The sync trigger computes run_end for the rows it inserts and clears it on their lower neighbours in
-- set-based statements (no trigger per held row: a create costs two statements per table); deletes, also
-- cascaded ones, set it again on the lower neighbour of each row removed.
CREATE FUNCTION envctl_held_ports_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_first bigint;
    v_last bigint;
BEGIN
    IF TG_OP = 'INSERT' OR NEW.http_port IS DISTINCT FROM OLD.http_port OR NEW.https_port IS DISTINCT FROM OLD.https_port
       OR NEW.pf_port IS DISTINCT FROM OLD.pf_port OR NEW.api_port IS DISTINCT FROM OLD.api_port THEN
        IF TG_OP = 'UPDATE' THEN
            -- a rename has already been cascaded to held_ports (RI triggers fire first, by name)
            DELETE FROM "${flyway:defaultSchema}".held_ports WHERE name IN (OLD.name, NEW.name);
        END IF;
        WITH p (port, role) AS (
            SELECT v.port, v.role
            FROM (VALUES (NEW.http_port, 'http'), (NEW.https_port, 'https'), (NEW.pf_port, 'pf'),
                         (NEW.api_port, 'api')) AS v (port, role)
            WHERE v.port IS NOT NULL)
        INSERT INTO "${flyway:defaultSchema}".held_ports (port, name, role, run_end)
            SELECT p.port, NEW.name, p.role,
                   -- count(*) keeps this a per-row probe of the primary key (an EXISTS here may be
                   -- planned as a hashed subplan, which reads all of held_ports)
                   (SELECT count(*) FROM "${flyway:defaultSchema}".held_ports h WHERE h.port = p.port + 1) = 0
                   AND (SELECT count(*) FROM p q WHERE q.port = p.port + 1) = 0
            FROM p;
        UPDATE "${flyway:defaultSchema}".held_ports SET run_end = false
            WHERE run_end AND port IN (NEW.http_port - 1, NEW.https_port - 1, NEW.pf_port - 1, NEW.api_port - 1);
    END IF;
    IF TG_OP = 'INSERT' OR NEW.subnet IS DISTINCT FROM OLD.subnet THEN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM "${flyway:defaultSchema}".held_subnets WHERE name IN (OLD.name, NEW.name);
        END IF;
        IF NEW.subnet IS NOT NULL THEN
            v_first := NEW.subnet - '0.0.0.0'::inet;
            v_last := broadcast(NEW.subnet) - '0.0.0.0'::inet;
            INSERT INTO "${flyway:defaultSchema}".held_subnets (first_address, last_address, name, run_end)
                VALUES (v_first, v_last, NEW.name,
                        (SELECT count(*) FROM "${flyway:defaultSchema}".held_subnets h WHERE h.first_address = v_last + 1) = 0);
            UPDATE "${flyway:defaultSchema}".held_subnets SET run_end = false
                WHERE last_address = v_first - 1 AND run_end;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER clusters_held_ports AFTER INSERT OR UPDATE ON clusters
    FOR EACH ROW EXECUTE FUNCTION envctl_held_ports_sync();

CREATE FUNCTION envctl_held_ports_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "${flyway:defaultSchema}".held_ports SET run_end = true WHERE port = OLD.port - 1 AND NOT run_end;
    RETURN NULL;
END $$;

CREATE TRIGGER held_ports_deleted AFTER DELETE ON held_ports
    FOR EACH ROW EXECUTE FUNCTION envctl_held_ports_deleted();

CREATE FUNCTION envctl_held_subnets_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "${flyway:defaultSchema}".held_subnets SET run_end = true
        WHERE last_address = OLD.first_address - 1 AND NOT run_end;
    RETURN NULL;
END $$;

CREATE TRIGGER held_subnets_deleted AFTER DELETE ON held_subnets
    FOR EACH ROW EXECUTE FUNCTION envctl_held_subnets_deleted();

-- Adopted rows get their held ports now; a port held twice fails here (envctl checks first and lists
-- every conflict before it changes anything).
WITH p (port, name, role) AS (
    SELECT v.port, c.name, v.role
    FROM clusters c
    CROSS JOIN LATERAL (VALUES (c.http_port, 'http'), (c.https_port, 'https'), (c.pf_port, 'pf'),
                               (c.api_port, 'api')) AS v (port, role)
    WHERE v.port IS NOT NULL)
INSERT INTO held_ports (port, name, role, run_end)
    SELECT p.port, p.name, p.role, NOT EXISTS (SELECT 1 FROM p q WHERE q.port = p.port + 1) FROM p;
WITH s (first_address, last_address, name) AS (
    SELECT subnet - '0.0.0.0'::inet, broadcast(subnet) - '0.0.0.0'::inet, name FROM clusters
    WHERE subnet IS NOT NULL)
INSERT INTO held_subnets (first_address, last_address, name, run_end)
    SELECT s.first_address, s.last_address, s.name,
           NOT EXISTS (SELECT 1 FROM s n WHERE n.first_address = s.last_address + 1)
    FROM s;
/* [jooq ignore stop] */
