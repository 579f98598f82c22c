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
/* [jooq ignore stop] */
