-- table_select: SELECT on table-like objects (tables, views, materialized
-- views, partitioned tables, sequences, foreign tables), named or matched by
-- a pattern, through one intermediate role per object (the default) or
-- granted to the role itself ("direct": true).  What a role can do is
-- checked by doing it, as that role.
\set su :USER

-- Helpers (dropped at the end).
-- The ACL of a relation, one entry a row, intermediate roles masked:
CREATE FUNCTION regress.ts_acl(rel regclass) RETURNS SETOF text LANGUAGE sql AS $$
    SELECT e FROM pg_class, unnest(relacl) AS a,
           -- without MAINTAIN (m), which PostgreSQL 17 added
           regress.stable(regexp_replace(a::text, 'm(\*?)/', '/')) AS e
     WHERE oid = rel ORDER BY e COLLATE "C"
$$;
-- Which privileges a role has on each relation of a schema, as
-- has_table_privilege / has_sequence_privilege see them:
CREATE FUNCTION regress.ts_privileges(r text, s text) RETURNS TABLE (relname name, privileges text)
LANGUAGE sql AS $$
    SELECT c.relname, coalesce(string_agg(p, ',' ORDER BY p), '')
      FROM pg_class c
      LEFT JOIN LATERAL unnest(CASE WHEN c.relkind = 'S' THEN '{SELECT,UPDATE,USAGE}'::text[]
                                    ELSE '{DELETE,INSERT,REFERENCES,SELECT,TRIGGER,TRUNCATE,UPDATE}' END) AS p
        ON CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(r, c.oid, p)
                ELSE has_table_privilege(r, c.oid, p) END
     WHERE c.relnamespace = s::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
     GROUP BY c.relname ORDER BY c.relname COLLATE "C"
$$;

-- A foreign table needs a wrapper and a server, which only a superuser can
-- create; the foreign table is then given to the caller.
CREATE FOREIGN DATA WRAPPER regress_pgsr_ts_fdw;
CREATE SERVER regress_pgsr_ts_server FOREIGN DATA WRAPPER regress_pgsr_ts_fdw;

\c - regress_pgsr_admin
SET client_min_messages = notice;
CREATE SCHEMA regress_pgsr_ts;
CREATE TABLE regress_pgsr_ts.plain (x int);
INSERT INTO regress_pgsr_ts.plain VALUES (1);
CREATE VIEW regress_pgsr_ts.a_view AS SELECT x + 1 AS x FROM regress_pgsr_ts.plain;
CREATE MATERIALIZED VIEW regress_pgsr_ts.a_matview AS SELECT x + 2 AS x FROM regress_pgsr_ts.plain;
CREATE TABLE regress_pgsr_ts.parted (x int) PARTITION BY RANGE (x);
CREATE TABLE regress_pgsr_ts.parted_low PARTITION OF regress_pgsr_ts.parted FOR VALUES FROM (0) TO (100);
INSERT INTO regress_pgsr_ts.parted VALUES (4);
CREATE SEQUENCE regress_pgsr_ts.counter;
SELECT nextval('regress_pgsr_ts.counter');
\c - :su
CREATE FOREIGN TABLE regress_pgsr_ts.remote (x int) SERVER regress_pgsr_ts_server;
ALTER FOREIGN TABLE regress_pgsr_ts.remote OWNER TO regress_pgsr_admin;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- Through intermediate roles: one per object, created with the grant of
-- SELECT on it, and the role made a member of all of them at once.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_alice', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "a_view"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "a_matview"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "parted"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "counter"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "remote"}
]') ORDER BY step;
SELECT * FROM regress.ts_privileges('regress_pgsr_ts_alice', 'regress_pgsr_ts');
SELECT count(*) AS memberships FROM pg_auth_members WHERE member = 'regress_pgsr_ts_alice'::regrole;
SELECT regress.ts_acl('regress_pgsr_ts.plain') AS plain_acl;

-- What alice can actually do: read each of them (a sequence's current value
-- too), but not write, nor advance the sequence, nor read a partition by
-- itself.  The foreign table has no handler to read through: the
-- privilege is checked with has_table_privilege above.
\c - :su
SET ROLE regress_pgsr_ts_alice;
SELECT x FROM regress_pgsr_ts.plain;
SELECT x FROM regress_pgsr_ts.a_view;
SELECT x FROM regress_pgsr_ts.a_matview;
SELECT x FROM regress_pgsr_ts.parted;
SELECT last_value FROM regress_pgsr_ts.counter;
SELECT x FROM regress_pgsr_ts.parted_low;
INSERT INTO regress_pgsr_ts.plain VALUES (2);
SELECT nextval('regress_pgsr_ts.counter');
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- More roles with the same document reuse the intermediate roles: no role
-- but the user itself is created, and each object's ACL keeps one entry.
SELECT count(*) AS roles FROM pg_roles \gset before_
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_bob', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "a_view"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "a_matview"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "parted"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "counter"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "remote"}
]') ORDER BY step;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_carol', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain"}
]') ORDER BY step;
SELECT count(*) - :before_roles AS roles_added FROM pg_roles;
SELECT regress.ts_acl('regress_pgsr_ts.plain') AS plain_acl;
SELECT regress.ts_acl('regress_pgsr_ts.counter') AS counter_acl;
SELECT count(DISTINCT a.roleid) AS shared_plain_role
  FROM pg_auth_members a, pg_class c, aclexplode(c.relacl) e
 WHERE c.oid = 'regress_pgsr_ts.plain'::regclass AND e.grantee = a.roleid
   AND a.member IN ('regress_pgsr_ts_alice'::regrole, 'regress_pgsr_ts_bob'::regrole,
                    'regress_pgsr_ts_carol'::regrole);
\c - :su
SET ROLE regress_pgsr_ts_carol;
SELECT x FROM regress_pgsr_ts.plain;
SELECT x FROM regress_pgsr_ts.a_view;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- The same document again: nothing to do.
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_ts_carol', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain"}
]');

-- Without USAGE on the schema, SELECT on its tables is of no use.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_carol', '[
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain"}
]') ORDER BY step;
\c - :su
SET ROLE regress_pgsr_ts_carol;
SELECT x FROM regress_pgsr_ts.plain;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- Tables no longer declared: the memberships of their intermediate roles
-- are revoked, and with them the access.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_alice', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain"}
]') ORDER BY step;
SELECT * FROM regress.ts_privileges('regress_pgsr_ts_alice', 'regress_pgsr_ts');
\c - :su
SET ROLE regress_pgsr_ts_alice;
SELECT x FROM regress_pgsr_ts.plain;
SELECT x FROM regress_pgsr_ts.a_view;
SELECT x FROM regress_pgsr_ts.a_matview;
SELECT x FROM regress_pgsr_ts.parted;
SELECT last_value FROM regress_pgsr_ts.counter;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- "direct": true grants SELECT to the role itself, with no intermediate
-- role: the ACL names the role.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_dave', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "a_view", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "a_matview", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "parted", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "counter", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "remote", "direct": true}
]') ORDER BY step;
SELECT count(*) AS memberships FROM pg_auth_members WHERE member = 'regress_pgsr_ts_dave'::regrole;
SELECT regress.ts_acl('regress_pgsr_ts.plain') AS plain_acl;
SELECT * FROM regress.ts_privileges('regress_pgsr_ts_dave', 'regress_pgsr_ts');
\c - :su
SET ROLE regress_pgsr_ts_dave;
SELECT x FROM regress_pgsr_ts.plain;
SELECT x FROM regress_pgsr_ts.a_view;
SELECT x FROM regress_pgsr_ts.a_matview;
SELECT x FROM regress_pgsr_ts.parted;
SELECT last_value FROM regress_pgsr_ts.counter;
UPDATE regress_pgsr_ts.plain SET x = x;
SELECT nextval('regress_pgsr_ts.counter');
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_ts_dave', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "a_view", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "a_matview", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "parted", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "counter", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "remote", "direct": true}
]');

-- Switching modes: dave's direct SELECTs are revoked where the intermediate
-- role takes over, and the ones not declared any more are revoked too.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_dave', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "counter", "direct": true}
]') ORDER BY step;
SELECT * FROM regress.ts_privileges('regress_pgsr_ts_dave', 'regress_pgsr_ts');
SELECT regress.ts_acl('regress_pgsr_ts.plain') AS plain_acl;
\c - :su
SET ROLE regress_pgsr_ts_dave;
SELECT x FROM regress_pgsr_ts.plain;
SELECT x FROM regress_pgsr_ts.a_view;
SELECT x FROM regress_pgsr_ts.parted;
SELECT last_value FROM regress_pgsr_ts.counter;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- Privileges granted by hand and not declared are revoked, of every type:
-- only a declared direct SELECT survives.  Column privileges go too.
CREATE ROLE regress_pgsr_ts_erin;
CALL regress.manage('regress_pgsr_ts_erin');
GRANT ALL ON regress_pgsr_ts.plain TO regress_pgsr_ts_erin;
GRANT INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON regress_pgsr_ts.parted TO regress_pgsr_ts_erin;
GRANT SELECT, INSERT ON regress_pgsr_ts.a_view TO regress_pgsr_ts_erin;
GRANT USAGE, UPDATE, SELECT ON SEQUENCE regress_pgsr_ts.counter TO regress_pgsr_ts_erin;
GRANT SELECT (x), UPDATE (x) ON regress_pgsr_ts.a_matview TO regress_pgsr_ts_erin;
GRANT USAGE, CREATE ON SCHEMA regress_pgsr_ts TO regress_pgsr_ts_erin;
SELECT * FROM regress.ts_privileges('regress_pgsr_ts_erin', 'regress_pgsr_ts');
\c - :su
SET ROLE regress_pgsr_ts_erin;
INSERT INTO regress_pgsr_ts.plain VALUES (10);
DELETE FROM regress_pgsr_ts.plain WHERE x = 10;
SELECT x FROM regress_pgsr_ts.a_matview;
SELECT nextval('regress_pgsr_ts.counter') > 0 AS advanced;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_erin', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain", "direct": true}
]') ORDER BY step;
SELECT * FROM regress.ts_privileges('regress_pgsr_ts_erin', 'regress_pgsr_ts');
SELECT has_any_column_privilege('regress_pgsr_ts_erin', 'regress_pgsr_ts.a_matview', 'SELECT,UPDATE')
    AS column_privileges;
SELECT regress.ts_acl('regress_pgsr_ts.plain') AS plain_acl;
\c - :su
SET ROLE regress_pgsr_ts_erin;
SELECT x FROM regress_pgsr_ts.plain;
INSERT INTO regress_pgsr_ts.plain VALUES (10);
UPDATE regress_pgsr_ts.plain SET x = x;
DELETE FROM regress_pgsr_ts.plain;
TRUNCATE regress_pgsr_ts.plain;
SELECT x FROM regress_pgsr_ts.a_view;
INSERT INTO regress_pgsr_ts.parted VALUES (5);
SELECT x FROM regress_pgsr_ts.a_matview;
SELECT nextval('regress_pgsr_ts.counter');
SELECT last_value FROM regress_pgsr_ts.counter;
CREATE TABLE regress_pgsr_ts.erins (x int);
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- The declared SELECT, moved to an intermediate role: the direct one goes.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_erin', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain"}
]') ORDER BY step;
SELECT * FROM regress.ts_privileges('regress_pgsr_ts_erin', 'regress_pgsr_ts');

-- A privilege granted by another role than the owner (one holding it WITH
-- GRANT OPTION) is revoked as that role.
CREATE ROLE regress_pgsr_ts_grantor;
CALL regress.manage('regress_pgsr_ts_grantor');
GRANT USAGE ON SCHEMA regress_pgsr_ts TO regress_pgsr_ts_grantor;
GRANT INSERT, UPDATE ON regress_pgsr_ts.plain TO regress_pgsr_ts_grantor WITH GRANT OPTION;
\c - :su
SET ROLE regress_pgsr_ts_grantor;
GRANT INSERT, UPDATE ON regress_pgsr_ts.plain TO regress_pgsr_ts_erin;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT regress.ts_acl('regress_pgsr_ts.plain') AS plain_acl;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_erin', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain"}
]') ORDER BY step;
SELECT * FROM regress.ts_privileges('regress_pgsr_ts_erin', 'regress_pgsr_ts');
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;
\c - :su
SET ROLE regress_pgsr_ts_erin;
INSERT INTO regress_pgsr_ts.plain VALUES (10);
SELECT x FROM regress_pgsr_ts.plain;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- A declared direct SELECT held WITH GRANT OPTION: the grant option is not
-- declared, so it goes, and SELECT stays.  (How it is taken away is not
-- shown, only that something was done and what the role can do after.)
GRANT SELECT ON regress_pgsr_ts.a_view TO regress_pgsr_ts_erin WITH GRANT OPTION;
SELECT count(*) > 0 AS changed FROM pg_sync_roles.sync('regress_pgsr_ts_erin', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "a_view", "direct": true}
]');
SELECT has_table_privilege('regress_pgsr_ts_erin', 'regress_pgsr_ts.a_view', 'SELECT') AS can_select,
       has_table_privilege('regress_pgsr_ts_erin', 'regress_pgsr_ts.a_view', 'SELECT WITH GRANT OPTION')
           AS can_grant_select;
\c - :su
SET ROLE regress_pgsr_ts_erin;
SELECT x FROM regress_pgsr_ts.a_view;
GRANT SELECT ON regress_pgsr_ts.a_view TO regress_pgsr_ts_grantor;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT has_table_privilege('regress_pgsr_ts_grantor', 'regress_pgsr_ts.a_view', 'SELECT') AS grantor_can_select;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_ts_erin', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "plain"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "a_view", "direct": true}
]');

-- table_regex: every table, view, materialized view, foreign table and
-- partitioned table of the schema whose name matches (as ~), but not its
-- sequences.
CREATE SCHEMA regress_pgsr_ts_re;
CREATE TABLE regress_pgsr_ts_re.sales_2023 (x int);
INSERT INTO regress_pgsr_ts_re.sales_2023 VALUES (23);
CREATE TABLE regress_pgsr_ts_re.sales_2024 (x int);
INSERT INTO regress_pgsr_ts_re.sales_2024 VALUES (24);
CREATE VIEW regress_pgsr_ts_re.sales_view AS SELECT x FROM regress_pgsr_ts_re.sales_2023;
CREATE MATERIALIZED VIEW regress_pgsr_ts_re.sales_matview AS SELECT x FROM regress_pgsr_ts_re.sales_2023;
CREATE TABLE regress_pgsr_ts_re.sales_parted (x int) PARTITION BY LIST (x);
CREATE SEQUENCE regress_pgsr_ts_re.sales_seq;
CREATE TABLE regress_pgsr_ts_re."Sales_quoted" (x int);
CREATE TABLE regress_pgsr_ts_re.costs (x int);
\c - :su
CREATE FOREIGN TABLE regress_pgsr_ts_re.sales_remote (x int) SERVER regress_pgsr_ts_server;
ALTER FOREIGN TABLE regress_pgsr_ts_re.sales_remote OWNER TO regress_pgsr_admin;
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_frank', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts_re"},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table_regex": "^sales_"}
]') ORDER BY step;
SELECT * FROM regress.ts_privileges('regress_pgsr_ts_frank', 'regress_pgsr_ts_re');
\c - :su
SET ROLE regress_pgsr_ts_frank;
SELECT x FROM regress_pgsr_ts_re.sales_2024;
SELECT x FROM regress_pgsr_ts_re.sales_view;
SELECT x FROM regress_pgsr_ts_re.sales_matview;
SELECT x FROM regress_pgsr_ts_re.sales_parted;
SELECT last_value FROM regress_pgsr_ts_re.sales_seq;
SELECT x FROM regress_pgsr_ts_re.costs;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- A second role with the same pattern shares the intermediate roles, and
-- syncing again changes nothing.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_gina', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts_re"},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table_regex": "^sales_"}
]') ORDER BY step;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_ts_frank', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts_re"},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table_regex": "^sales_"}
]');
SELECT regress.ts_acl('regress_pgsr_ts_re.sales_2023') AS sales_2023_acl;

-- A table created later that matches is picked up by the next sync, and
-- only then.
CREATE TABLE regress_pgsr_ts_re.sales_2025 (x int);
INSERT INTO regress_pgsr_ts_re.sales_2025 VALUES (25);
\c - :su
SET ROLE regress_pgsr_ts_frank;
SELECT x FROM regress_pgsr_ts_re.sales_2025;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_frank', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts_re"},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table_regex": "^sales_"}
]') ORDER BY step;
\c - :su
SET ROLE regress_pgsr_ts_frank;
SELECT x FROM regress_pgsr_ts_re.sales_2025;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- A narrower pattern revokes the rest; a sequence can still be named.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_frank', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts_re"},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table_regex": "^sales_20(23|24)$"},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table": "sales_seq"}
]') ORDER BY step;
SELECT * FROM regress.ts_privileges('regress_pgsr_ts_frank', 'regress_pgsr_ts_re');
\c - :su
SET ROLE regress_pgsr_ts_frank;
SELECT x FROM regress_pgsr_ts_re.sales_2024;
SELECT x FROM regress_pgsr_ts_re.sales_2025;
SELECT x FROM regress_pgsr_ts_re.sales_view;
SELECT last_value FROM regress_pgsr_ts_re.sales_seq;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- Patterns are PostgreSQL regular expressions, case-sensitive, matched
-- against the exact names; direct works with them as well.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_hugo', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts_re", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table_regex": "^[[:upper:]]", "direct": true}
]') ORDER BY step;
SELECT * FROM regress.ts_privileges('regress_pgsr_ts_hugo', 'regress_pgsr_ts_re')
 WHERE privileges <> '';
-- A pattern matching only a sequence, or nothing, matches nothing: a NOTICE
-- says so, and the rest of the document is applied.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_hugo', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts_re", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table_regex": "_seq$"},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table_regex": "^nothing", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table": "costs", "direct": true}
]') ORDER BY step;
SELECT * FROM regress.ts_privileges('regress_pgsr_ts_hugo', 'regress_pgsr_ts_re')
 WHERE privileges <> '';

-- Names that do not exist are skipped with a NOTICE; the rest is applied.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_hugo', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts_re", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table": "no_such_table"},
    {"type": "table_select", "schema": "regress_pgsr_ts_no_such_schema", "table": "costs"},
    {"type": "table_select", "schema": "regress_pgsr_ts_no_such_schema", "table_regex": "."},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table": "SALES_2024"},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table": "sales_2024"}
]') ORDER BY step;
\c - :su
SET ROLE regress_pgsr_ts_hugo;
SELECT x FROM regress_pgsr_ts_re.sales_2024;
SELECT x FROM regress_pgsr_ts_re.costs;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- A table dropped and created again is a new table: the role has no access
-- to it until the next sync, which grants it through a new intermediate
-- role and revokes the membership of the old one.
SELECT regress.stable(a.roleid::regrole::text) AS old_role, a.roleid::regrole::text AS old_name
  FROM pg_auth_members a, pg_class c, aclexplode(c.relacl) e
 WHERE c.oid = 'regress_pgsr_ts_re.sales_2024'::regclass AND e.grantee = a.roleid
   AND a.member = 'regress_pgsr_ts_hugo'::regrole \gset
DROP TABLE regress_pgsr_ts_re.sales_2024;
CREATE TABLE regress_pgsr_ts_re.sales_2024 (x int);
INSERT INTO regress_pgsr_ts_re.sales_2024 VALUES (2024);
\c - :su
SET ROLE regress_pgsr_ts_hugo;
SELECT x FROM regress_pgsr_ts_re.sales_2024;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_hugo', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts_re", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_ts_re", "table": "sales_2024"}
]') ORDER BY step;
SELECT count(*) AS still_member_of_old FROM pg_auth_members
 WHERE roleid = :'old_name'::regrole AND member = 'regress_pgsr_ts_hugo'::regrole;
\c - :su
SET ROLE regress_pgsr_ts_hugo;
SELECT x FROM regress_pgsr_ts_re.sales_2024;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
-- The old intermediate role is referred to by no ACL any more:
-- drop_unused_roles drops it (and only it), and then has nothing to do.
SELECT regress.stable(r) AS dropped, r = :'old_name' AS is_old_role
  FROM pg_sync_roles.drop_unused_roles() AS r ORDER BY 1;
SELECT count(*) AS old_exists FROM pg_roles WHERE rolname = :'old_name';
SELECT count(*) AS dropped FROM pg_sync_roles.drop_unused_roles();

-- Objects owned by another ordinary role: the caller is granted that role
-- for the call only, and holds no membership afterwards.
CREATE ROLE regress_pgsr_ts_owner;
CALL regress.manage('regress_pgsr_ts_owner');
GRANT USAGE ON SCHEMA regress_pgsr_ts TO regress_pgsr_ts_owner;
\c - :su
CREATE TABLE regress_pgsr_ts.theirs (x int);
INSERT INTO regress_pgsr_ts.theirs VALUES (7);
CREATE TABLE regress_pgsr_ts.theirs_too (x int);
ALTER TABLE regress_pgsr_ts.theirs OWNER TO regress_pgsr_ts_owner;
ALTER TABLE regress_pgsr_ts.theirs_too OWNER TO regress_pgsr_ts_owner;
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_ivan', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "theirs"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "theirs_too", "direct": true}
]') ORDER BY step;
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;
SELECT regress.ts_acl('regress_pgsr_ts.theirs') AS theirs_acl;
SELECT regress.ts_acl('regress_pgsr_ts.theirs_too') AS theirs_too_acl;
\c - :su
SET ROLE regress_pgsr_ts_ivan;
SELECT x FROM regress_pgsr_ts.theirs;
SELECT x FROM regress_pgsr_ts.theirs_too;
RESET ROLE;
-- The owner grants more by hand; sync revokes it, again as the owner for
-- the call only.
SET ROLE regress_pgsr_ts_owner;
GRANT INSERT ON regress_pgsr_ts.theirs TO regress_pgsr_ts_ivan;
GRANT DELETE ON regress_pgsr_ts.theirs_too TO regress_pgsr_ts_ivan;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_ivan', '[
    {"type": "schema_usage", "schema": "regress_pgsr_ts"},
    {"type": "table_select", "schema": "regress_pgsr_ts", "table": "theirs"}
]') ORDER BY step;
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;
SELECT regress.ts_acl('regress_pgsr_ts.theirs_too') AS theirs_too_acl;
\c - :su
SET ROLE regress_pgsr_ts_ivan;
SELECT x FROM regress_pgsr_ts.theirs;
INSERT INTO regress_pgsr_ts.theirs VALUES (8);
SELECT x FROM regress_pgsr_ts.theirs_too;
RESET ROLE;

-- A column dropped after a privilege on it was granted keeps that ACL in
-- pg_attribute (attisdropped): it grants nothing any more and has no name to
-- revoke it by.  sync leaves it alone and revokes the rest.
\c - regress_pgsr_admin
SET client_min_messages = notice;
CREATE TABLE regress_pgsr_ts.dropped_col (x int, y int);
CREATE ROLE regress_pgsr_ts_kim;
GRANT SELECT (y) ON regress_pgsr_ts.dropped_col TO regress_pgsr_ts_kim;
GRANT INSERT ON regress_pgsr_ts.dropped_col TO regress_pgsr_ts_kim;
ALTER TABLE regress_pgsr_ts.dropped_col DROP COLUMN y;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_ts_kim', '[]') ORDER BY step;
SELECT has_table_privilege('regress_pgsr_ts_kim', 'regress_pgsr_ts.dropped_col', 'INSERT') AS kim_inserts;

-- Cleaning up.
\c - regress_pgsr_admin
SET client_min_messages = warning;
DROP SCHEMA regress_pgsr_ts CASCADE;
DROP SCHEMA regress_pgsr_ts_re CASCADE;
\c - :su
SET client_min_messages = warning;
DROP SERVER regress_pgsr_ts_server;
DROP FOREIGN DATA WRAPPER regress_pgsr_ts_fdw;
DROP FUNCTION regress.ts_acl(regclass);
DROP FUNCTION regress.ts_privileges(text, text);
SELECT regress.drop_roles('regress\_pgsr\_ts\_%');
SELECT regress.drop_roles('\_pgsr\_%');
