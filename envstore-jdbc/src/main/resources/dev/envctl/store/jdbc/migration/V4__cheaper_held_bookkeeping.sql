-- held_ports loses its two CHECK constraints (port 1..65535, role one of four names). Every create paid
-- for them twice, on the insert of its held ports and on the update of their neighbours' run_end: the
-- server parses a table's CHECK expressions from their stored text and plans them once per statement that
-- writes it, which was about a sixth of a create's trigger time in a profile of the server. They guarded
-- nothing that is not guarded already: held_ports is written by the trigger on clusters, whose ports pass
-- clusters_ports_range, and whose roles are the trigger's own constants.
/* [jooq ignore start] */
-- (PostgreSQL's default names for the inline checks of V2; H2, which builds the jOOQ classes, names them
-- otherwise)
ALTER TABLE held_ports DROP CONSTRAINT held_ports_port_check, DROP CONSTRAINT held_ports_role_check;

-- The sync function of V3 with less for the server to set up on each run (it builds every node and
-- expression of a statement's plan again each time): an insert skips the eight change tests, which only
-- an update needs; the new ports' run_end looks for port + 1 among the row's own ports in an array, not
-- through a second CTE scan; the held subnet is inserted from the row's values without a CTE. What it
-- writes is what V3 wrote (HeldBookkeepingTest checks every kind of raw write).
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
    IF TG_OP = 'INSERT' THEN
        v_ports := true;
        v_subnet := true;
    ELSE
        v_ports := NEW.http_port IS DISTINCT FROM OLD.http_port OR NEW.https_port IS DISTINCT FROM OLD.https_port
            OR NEW.pf_port IS DISTINCT FROM OLD.pf_port OR NEW.api_port IS DISTINCT FROM OLD.api_port;
        v_subnet := NEW.subnet IS DISTINCT FROM OLD.subnet;
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
    WITH new_ports AS (
        INSERT INTO "${flyway:defaultSchema}".held_ports (port, name, role, run_end)
        SELECT v.port, NEW.name, v.role,
               -- count(*) keeps this a per-row probe of the primary key (an EXISTS here may be planned as
               -- a hashed subplan, which reads all of held_ports)
               (SELECT count(*) FROM "${flyway:defaultSchema}".held_ports h WHERE h.port = v.port + 1) = 0
               AND (v.port + 1 = ANY (ARRAY[NEW.http_port, NEW.https_port, NEW.pf_port, NEW.api_port])) IS NOT TRUE
        FROM (VALUES (NEW.http_port, 'http'), (NEW.https_port, 'https'), (NEW.pf_port, 'pf'),
                     (NEW.api_port, 'api')) AS v (port, role)
        WHERE v_ports AND v.port IS NOT NULL),
    port_neighbours AS (
        UPDATE "${flyway:defaultSchema}".held_ports SET run_end = false
        WHERE v_ports AND run_end
          AND port IN (NEW.http_port - 1, NEW.https_port - 1, NEW.pf_port - 1, NEW.api_port - 1)),
    new_subnet AS (
        INSERT INTO "${flyway:defaultSchema}".held_subnets (first_address, last_address, name, run_end)
        SELECT NEW.subnet - '0.0.0.0'::inet, broadcast(NEW.subnet) - '0.0.0.0'::inet, NEW.name,
               (SELECT count(*) FROM "${flyway:defaultSchema}".held_subnets h
                WHERE h.first_address = broadcast(NEW.subnet) - '0.0.0.0'::inet + 1) = 0
        WHERE v_subnet AND NEW.subnet IS NOT NULL)
    -- (max() over one table is a backward probe of the primary key; over a join it would read every held
    -- subnet below the new one)
    UPDATE "${flyway:defaultSchema}".held_subnets SET run_end = false
    WHERE v_subnet AND run_end
      AND first_address = (SELECT max(h.first_address) FROM "${flyway:defaultSchema}".held_subnets h
                           WHERE h.first_address < NEW.subnet - '0.0.0.0'::inet)
      AND last_address = NEW.subnet - '0.0.0.0'::inet - 1;
    RETURN NULL;
END $$;

/* [jooq ignore stop] */
