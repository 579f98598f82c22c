-- Lighter bookkeeping of held ports and subnets, which every create pays for (measured: a create's trigger
-- was about half of its server time). The invariants stay the database's: a port is held at most once
-- (held_ports primary key), subnets never overlap (the exclusion constraint on clusters), and both tables
-- stay in step with clusters for every writer, envctl or not, through the triggers below.
--
-- What goes: the foreign keys from held_ports and held_subnets to clusters (five checks per create, each a
-- query locking the new clusters row) and the indexes only they and the old name-based cascades used. The
-- trigger now also deletes (by port and address, the primary keys) and follows renames, and a TRUNCATE of
-- clusters empties both tables, which the foreign keys' CASCADE did before.
ALTER TABLE held_ports DROP CONSTRAINT held_ports_name_role;
DROP INDEX held_subnets_last;

/* [jooq ignore start] */
-- (their names are PostgreSQL's defaults for the inline constraints of V2)
ALTER TABLE held_ports DROP CONSTRAINT held_ports_name_fkey;
ALTER TABLE held_subnets DROP CONSTRAINT held_subnets_name_fkey;
ALTER TABLE held_subnets DROP CONSTRAINT held_subnets_name_key;

-- One function for every row change of clusters. A create runs one statement of data-modifying CTEs: the
-- new held rows with their run_end (port + 1 / the next address not held, among the old rows and the new
-- ones) and run_end cleared on the lower neighbours, for ports and subnet. An update first removes what
-- changed (the delete triggers below set run_end on the neighbours left behind), then adds it back the
-- same way; a rename alone renames in place. The lower neighbour of a subnet is found through the primary
-- key: the held subnet with the greatest first address below the new one.
CREATE OR REPLACE FUNCTION envctl_held_ports_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_ports boolean;
    v_subnet boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM "${flyway:defaultSchema}".held_ports
            WHERE port IN (OLD.http_port, OLD.https_port, OLD.pf_port, OLD.api_port) AND name = OLD.name;
        DELETE FROM "${flyway:defaultSchema}".held_subnets
            WHERE first_address = OLD.subnet - '0.0.0.0'::inet AND name = OLD.name;
        RETURN NULL;
    END IF;
    v_ports := TG_OP = 'INSERT' OR NEW.http_port IS DISTINCT FROM OLD.http_port
        OR NEW.https_port IS DISTINCT FROM OLD.https_port OR NEW.pf_port IS DISTINCT FROM OLD.pf_port
        OR NEW.api_port IS DISTINCT FROM OLD.api_port;
    v_subnet := TG_OP = 'INSERT' OR NEW.subnet IS DISTINCT FROM OLD.subnet;
    IF TG_OP = 'UPDATE' THEN
        IF v_ports THEN
            DELETE FROM "${flyway:defaultSchema}".held_ports
                WHERE port IN (OLD.http_port, OLD.https_port, OLD.pf_port, OLD.api_port) AND name = OLD.name;
        ELSIF NEW.name <> OLD.name THEN
            UPDATE "${flyway:defaultSchema}".held_ports SET name = NEW.name
                WHERE port IN (OLD.http_port, OLD.https_port, OLD.pf_port, OLD.api_port) AND name = OLD.name;
        END IF;
        IF v_subnet THEN
            DELETE FROM "${flyway:defaultSchema}".held_subnets
                WHERE first_address = OLD.subnet - '0.0.0.0'::inet AND name = OLD.name;
        ELSIF NEW.name <> OLD.name THEN
            UPDATE "${flyway:defaultSchema}".held_subnets SET name = NEW.name
                WHERE first_address = OLD.subnet - '0.0.0.0'::inet AND name = OLD.name;
        END IF;
        IF NOT v_ports AND NOT v_subnet THEN
            RETURN NULL;
        END IF;
    END IF;
    WITH p (port, role) AS (
        SELECT v.port, v.role
        FROM (VALUES (NEW.http_port, 'http'), (NEW.https_port, 'https'), (NEW.pf_port, 'pf'),
                     (NEW.api_port, 'api')) AS v (port, role)
        WHERE v_ports AND v.port IS NOT NULL),
    new_ports AS (
        INSERT INTO "${flyway:defaultSchema}".held_ports (port, name, role, run_end)
        SELECT p.port, NEW.name, p.role,
               -- count(*) keeps this a per-row probe of the primary key (an EXISTS here may be planned as
               -- a hashed subplan, which reads all of held_ports)
               (SELECT count(*) FROM "${flyway:defaultSchema}".held_ports h WHERE h.port = p.port + 1) = 0
               AND (SELECT count(*) FROM p q WHERE q.port = p.port + 1) = 0
        FROM p),
    port_neighbours AS (
        UPDATE "${flyway:defaultSchema}".held_ports SET run_end = false
        WHERE v_ports AND run_end
          AND port IN (NEW.http_port - 1, NEW.https_port - 1, NEW.pf_port - 1, NEW.api_port - 1)),
    s (first_address, last_address) AS (
        SELECT NEW.subnet - '0.0.0.0'::inet, broadcast(NEW.subnet) - '0.0.0.0'::inet
        WHERE v_subnet AND NEW.subnet IS NOT NULL),
    new_subnet AS (
        INSERT INTO "${flyway:defaultSchema}".held_subnets (first_address, last_address, name, run_end)
        SELECT s.first_address, s.last_address, NEW.name,
               (SELECT count(*) FROM "${flyway:defaultSchema}".held_subnets h
                WHERE h.first_address = s.last_address + 1) = 0
        FROM s)
    -- (max() over one table is a backward probe of the primary key; over a join with s it would read every
    -- held subnet below the new one)
    UPDATE "${flyway:defaultSchema}".held_subnets SET run_end = false
    WHERE v_subnet AND run_end
      AND first_address = (SELECT max(h.first_address) FROM "${flyway:defaultSchema}".held_subnets h
                           WHERE h.first_address < NEW.subnet - '0.0.0.0'::inet)
      AND last_address = NEW.subnet - '0.0.0.0'::inet - 1;
    RETURN NULL;
END $$;

DROP TRIGGER clusters_held_ports ON clusters;
CREATE TRIGGER clusters_held_ports AFTER INSERT OR UPDATE OR DELETE ON clusters
    FOR EACH ROW EXECUTE FUNCTION envctl_held_ports_sync();

CREATE FUNCTION envctl_held_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE "${flyway:defaultSchema}".held_ports, "${flyway:defaultSchema}".held_subnets;
    RETURN NULL;
END $$;

CREATE TRIGGER clusters_truncated AFTER TRUNCATE ON clusters
    FOR EACH STATEMENT EXECUTE FUNCTION envctl_held_truncate();

-- the lower neighbour through the primary key (the index on last_address is gone)
CREATE OR REPLACE FUNCTION envctl_held_subnets_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "${flyway:defaultSchema}".held_subnets SET run_end = true
    WHERE NOT run_end
      AND first_address = (SELECT max(h.first_address) FROM "${flyway:defaultSchema}".held_subnets h
                           WHERE h.first_address < OLD.first_address)
      AND last_address = OLD.first_address - 1;
    RETURN NULL;
END $$;
/* [jooq ignore stop] */
