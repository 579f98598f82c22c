-- Several Docker hosts in one store. A host port is held once per host (environments on different hosts may
-- publish the same port); subnets stay unique across the whole store (the exclusion constraint of V2 is
-- unchanged). Every environment is on a host the store knows, and every existing row, like every row a
-- writer inserts without naming a host (the Kindler scripts' psql), is on the built-in host 'local'.

-- The hosts environments can live on. 'local' is a row, not only an idea of the code: clusters.host
-- references this table, so the default of every raw insert must be a row here.
CREATE TABLE hosts (
    name      varchar(32) PRIMARY KEY,
    docker    text,
    address   text,
    labels    jsonb DEFAULT '{}' NOT NULL,
    capacity  int
);

ALTER TABLE clusters ADD COLUMN host varchar(32) DEFAULT 'local' NOT NULL;

-- The held port's host, written by the trigger from clusters.host. Existing rows are all on 'local', and so
-- are their run ends, which stay exact: a port's neighbour on the same host is what it was.
ALTER TABLE held_ports ADD COLUMN host varchar(32) DEFAULT 'local' NOT NULL;

/* [jooq ignore start] */
INSERT INTO hosts (name) VALUES ('local');

ALTER TABLE hosts
    ADD CONSTRAINT hosts_name_check CHECK (name ~ '^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$' AND name <> 'auto'),
    ADD CONSTRAINT hosts_capacity_check CHECK (capacity > 0),
    -- the local host is the daemon envctl runs against: no endpoint or address of its own
    ADD CONSTRAINT hosts_local_check CHECK (name <> 'local' OR (docker IS NULL AND address IS NULL));

-- The built-in host stays: it is the default of clusters.host.
CREATE FUNCTION envctl_hosts_keep_local() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.name = 'local' THEN
        RAISE EXCEPTION 'host ''local'' is built in and cannot be removed or renamed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'hosts_keep_local';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER hosts_keep_local BEFORE DELETE OR UPDATE OF name ON hosts
    FOR EACH ROW EXECUTE FUNCTION envctl_hosts_keep_local();

-- A host with environments cannot go (NO ACTION: refused while rows reference it).
ALTER TABLE clusters ADD CONSTRAINT clusters_host_fkey FOREIGN KEY (host) REFERENCES hosts (name);
-- counts per host for placement and the removal check, without reading all of clusters
CREATE INDEX clusters_host ON clusters (host);

-- The held port's key and its run ends are per host now. The held row's host is the trigger's copy of its
-- environment's; no writer but the trigger supplies it.
ALTER TABLE held_ports ALTER COLUMN host DROP DEFAULT;
ALTER TABLE held_ports DROP CONSTRAINT held_ports_pkey, ADD CONSTRAINT held_ports_pkey PRIMARY KEY (host, port);
DROP INDEX held_ports_run_ends;
CREATE INDEX held_ports_run_ends ON held_ports (host, port) WHERE run_end;

-- V6's sync function, with the host: a change of host is a change of ports (they are held again, on the new
-- host), and a port's neighbours are those of the same host.
CREATE OR REPLACE FUNCTION envctl_held_ports_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_ports boolean := true;
    v_subnet boolean := true;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        v_ports := (NEW.http_port, NEW.https_port, NEW.pf_port, NEW.api_port, NEW.host)
            IS DISTINCT FROM (OLD.http_port, OLD.https_port, OLD.pf_port, OLD.api_port, OLD.host);
        v_subnet := NEW.subnet IS DISTINCT FROM OLD.subnet;
        IF v_ports THEN
            DELETE FROM "${flyway:defaultSchema}".held_ports WHERE name = NEW.name;
        END IF;
        IF v_subnet THEN
            DELETE FROM "${flyway:defaultSchema}".held_subnets WHERE name = NEW.name;
        END IF;
    END IF;
    IF v_ports THEN
        INSERT INTO "${flyway:defaultSchema}".held_ports (host, port, name, role, run_end)
            SELECT NEW.host, v.port, NEW.name, v.role,
                   (SELECT count(*) FROM "${flyway:defaultSchema}".held_ports h
                    WHERE h.host = NEW.host AND h.port = v.port + 1) = 0
            FROM (VALUES (NEW.http_port, 'http'), (NEW.https_port, 'https'), (NEW.pf_port, 'pf'),
                         (NEW.api_port, 'api')) AS v (port, role)
            WHERE v.port IS NOT NULL;
        UPDATE "${flyway:defaultSchema}".held_ports SET run_end = false
            WHERE run_end AND host = NEW.host
              AND port IN (NEW.http_port - 1, NEW.https_port - 1, NEW.pf_port - 1, NEW.api_port - 1);
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

DROP TRIGGER clusters_held_ports ON clusters;
CREATE TRIGGER clusters_held_ports
    AFTER INSERT OR UPDATE OF http_port, https_port, pf_port, api_port, subnet, host
    ON clusters FOR EACH ROW EXECUTE FUNCTION envctl_held_ports_sync();

-- A removed held port makes the one just below it on the same host a run end again.
CREATE OR REPLACE FUNCTION envctl_held_ports_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "${flyway:defaultSchema}".held_ports SET run_end = true
        WHERE host = OLD.host AND port = OLD.port - 1 AND NOT run_end;
    RETURN NULL;
END $$;

/* [jooq ignore stop] */
