-- The table of the system envctl replaces, exactly as that system created it. A database that already has
-- it is adopted (baselined at this version) and migrated forward; a new database gets it from here.
CREATE TABLE clusters (
    name        varchar(63) PRIMARY KEY,
    provider    varchar(10) CHECK (provider IN ('k3d', 'kind')),
    subnet      cidr,
    node_port   int,
    pf_port     int,
    http_port   int,
    https_port  int,
    created_at  timestamp,
    updated_at  timestamp
);
