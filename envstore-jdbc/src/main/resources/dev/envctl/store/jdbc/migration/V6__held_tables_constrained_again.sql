-- held_ports and held_subnets as plain bookkeeping tables again, constrained as V2 made them: V3 and V4 took
-- away their foreign keys, the (name, role) and name keys and the checks on held ports, and moved cascades
-- into the trigger, to make each create's trigger cheaper. The constraints come back, so a held row always
-- names an existing environment, holds a valid port in one of four roles, and an environment holds one port
-- per role and one subnet; deletes and renames reach the held rows through the foreign keys' cascades again,
-- and the trigger on clusters only writes what an insert or a change of ports or subnet holds.
--
-- Whoever writes clusters (envctl, the Kindler scripts' psql inserts, updates and deletes) keeps the held
-- tables in step through these triggers. A TRUNCATE of clusters needs CASCADE again, as under V2.
/* [jooq ignore start] */

DROP TRIGGER clusters_held_ports ON clusters;
DROP TRIGGER clusters_truncated ON clusters;
DROP FUNCTION envctl_held_truncate();

-- Rebuilt from clusters, so the constraints below meet exact rows whatever happened under V3 to V5.
TRUNCATE held_ports, held_subnets;
INSERT INTO held_ports (port, name, role, run_end)
    SELECT v.port, c.name, v.role, true
    FROM clusters c
    CROSS JOIN LATERAL (VALUES (c.http_port, 'http'), (c.https_port, 'https'), (c.pf_port, 'pf'),
                               (c.api_port, 'api')) AS v (port, role)
    WHERE v.port IS NOT NULL;
UPDATE held_ports h SET run_end = false WHERE EXISTS (SELECT 1 FROM held_ports n WHERE n.port = h.port + 1);
INSERT INTO held_subnets (first_address, last_address, name, run_end)
    SELECT subnet - '0.0.0.0'::inet, broadcast(subnet) - '0.0.0.0'::inet, name, true
    FROM clusters WHERE subnet IS NOT NULL;
UPDATE held_subnets h SET run_end = false
    WHERE EXISTS (SELECT 1 FROM held_subnets n WHERE n.first_address = h.last_address + 1);

ALTER TABLE held_ports
    ADD CONSTRAINT held_ports_port_check CHECK (port BETWEEN 1 AND 65535),
    ADD CONSTRAINT held_ports_role_check CHECK (role IN ('http', 'https', 'pf', 'api')),
    ADD CONSTRAINT held_ports_name_role UNIQUE (name, role),
    ADD CONSTRAINT held_ports_name_fkey FOREIGN KEY (name) REFERENCES clusters (name)
        ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE held_subnets
    ADD CONSTRAINT held_subnets_name_key UNIQUE (name),
    ADD CONSTRAINT held_subnets_name_fkey FOREIGN KEY (name) REFERENCES clusters (name)
        ON DELETE CASCADE ON UPDATE CASCADE;
-- the lower neighbour of a subnet: the held subnet ending just before it
CREATE INDEX held_subnets_last ON held_subnets (last_address);

-- An insert holds the row's ports and subnet; a change of them holds them again. A new held row is a run end
-- unless the next port (address) is held; the held row just below it no longer is. (A rename has already
-- reached the held rows through the cascades, whose triggers fire first, by name.)
-- (The next port is looked up with a scalar count, a probe of the primary key per new row: an EXISTS there
-- may be planned as a hashed subplan, which reads all of held_ports on every run, quadratic in a bulk
-- INSERT by psql.)
CREATE OR REPLACE FUNCTION envctl_held_ports_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_ports boolean := true;
    v_subnet boolean := true;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        v_ports := (NEW.http_port, NEW.https_port, NEW.pf_port, NEW.api_port)
            IS DISTINCT FROM (OLD.http_port, OLD.https_port, OLD.pf_port, OLD.api_port);
        v_subnet := NEW.subnet IS DISTINCT FROM OLD.subnet;
        IF v_ports THEN
            DELETE FROM "${flyway:defaultSchema}".held_ports WHERE name = NEW.name;
        END IF;
        IF v_subnet THEN
            DELETE FROM "${flyway:defaultSchema}".held_subnets WHERE name = NEW.name;
        END IF;
    END IF;
    IF v_ports THEN
        INSERT INTO "${flyway:defaultSchema}".held_ports (port, name, role, run_end)
            SELECT v.port, NEW.name, v.role,
                   (SELECT count(*) FROM "${flyway:defaultSchema}".held_ports h WHERE h.port = v.port + 1) = 0
            FROM (VALUES (NEW.http_port, 'http'), (NEW.https_port, 'https'), (NEW.pf_port, 'pf'),
                         (NEW.api_port, 'api')) AS v (port, role)
            WHERE v.port IS NOT NULL;
        UPDATE "${flyway:defaultSchema}".held_ports SET run_end = false
            WHERE run_end AND port IN (NEW.http_port - 1, NEW.https_port - 1, NEW.pf_port - 1, NEW.api_port - 1);
    END IF;
    IF v_subnet AND NEW.subnet IS NOT NULL THEN
        INSERT INTO "${flyway:defaultSchema}".held_subnets (first_address, last_address, name, run_end)
            VALUES (NEW.subnet - '0.0.0.0'::inet, broadcast(NEW.subnet) - '0.0.0.0'::inet, NEW.name,
                    (SELECT count(*) FROM "${flyway:defaultSchema}".held_subnets h
                     WHERE h.first_address = broadcast(NEW.subnet) - '0.0.0.0'::inet + 1) = 0);
        UPDATE "${flyway:defaultSchema}".held_subnets SET run_end = false
            WHERE run_end AND last_address = NEW.subnet - '0.0.0.0'::inet - 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER clusters_held_ports AFTER INSERT OR UPDATE OF http_port, https_port, pf_port, api_port, subnet
    ON clusters FOR EACH ROW EXECUTE FUNCTION envctl_held_ports_sync();

-- A removed held subnet makes the one ending just before it a run end again (as a removed port does; the
-- function of held_ports is V2's and stays).
CREATE OR REPLACE FUNCTION envctl_held_subnets_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "${flyway:defaultSchema}".held_subnets SET run_end = true
        WHERE last_address = OLD.first_address - 1 AND NOT run_end;
    RETURN NULL;
END $$;

/* [jooq ignore stop] */
