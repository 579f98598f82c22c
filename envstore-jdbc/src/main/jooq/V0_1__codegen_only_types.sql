-- Read only by jOOQ's DDLDatabase at build time (it runs the migrations on H2), never by Flyway: H2 has no
-- cidr type, so the generator gets a stand-in. PostgreSQL keeps the real cidr column.
CREATE DOMAIN cidr AS VARCHAR(43);
