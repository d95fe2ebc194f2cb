-- preserve_existing_grants_in_schemas: privileges the role holds directly
-- on objects inside the listed schemas are left alone; everything else is
-- still managed -- the schemas' own privileges, declared grants in them, and
-- memberships of intermediate roles.  What a role can do is checked by doing
-- it, as that role.
\set su :USER

-- Helpers (dropped at the end).
-- The role's own entries in the ACLs of both schemas and of their
-- relations and columns.
CREATE FUNCTION regress.pr_direct(r text) RETURNS TABLE (object text, privileges text) LANGUAGE sql AS $$
    SELECT o, string_agg(p, ',' ORDER BY p) FROM (
        SELECT n.nspname::text AS o, e.privilege_type AS p
          FROM pg_namespace n, aclexplode(n.nspacl) e
         WHERE n.nspname LIKE 'regress\_pgsr\_pr\_%' AND e.grantee = r::regrole
        UNION ALL
        SELECT n.nspname || '.' || c.relname, e.privilege_type
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) e
         WHERE n.nspname LIKE 'regress\_pgsr\_pr\_%' AND e.grantee = r::regrole
        UNION ALL
        SELECT n.nspname || '.' || c.relname || '(' || a.attname || ')', e.privilege_type
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(a.attacl) e
         WHERE n.nspname LIKE 'regress\_pgsr\_pr\_%' AND e.grantee = r::regrole) AS x
     GROUP BY o ORDER BY o COLLATE "C"
$$;

\c - regress_pgsr_admin
SET client_min_messages = notice;
CREATE SCHEMA regress_pgsr_pr_kept;
CREATE SCHEMA regress_pgsr_pr_managed;
CREATE TABLE regress_pgsr_pr_kept.handmade (x int);
CREATE TABLE regress_pgsr_pr_kept.declared (x int);
CREATE TABLE regress_pgsr_pr_kept.dropped (x int, y int);
CREATE SEQUENCE regress_pgsr_pr_kept.seq;
CREATE TABLE regress_pgsr_pr_managed.handmade (x int);
INSERT INTO regress_pgsr_pr_kept.handmade VALUES (1);
INSERT INTO regress_pgsr_pr_kept.declared VALUES (2);
INSERT INTO regress_pgsr_pr_kept.dropped VALUES (3, 4);
INSERT INTO regress_pgsr_pr_managed.handmade VALUES (5);

-- lou starts as a member of the intermediate role of kept.dropped.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_pr_lou', '[
    {"type": "table_select", "schema": "regress_pgsr_pr_kept", "table": "dropped"}
]') ORDER BY step;

-- By hand: privileges on objects in both schemas (INSERT and SELECT on a
-- table, a column's SELECT, USAGE on a sequence), and USAGE and CREATE on
-- both schemas.
GRANT INSERT, SELECT ON regress_pgsr_pr_kept.handmade, regress_pgsr_pr_managed.handmade TO regress_pgsr_pr_lou;
GRANT SELECT (y) ON regress_pgsr_pr_kept.dropped TO regress_pgsr_pr_lou;
GRANT USAGE ON SEQUENCE regress_pgsr_pr_kept.seq TO regress_pgsr_pr_lou;
GRANT USAGE, CREATE ON SCHEMA regress_pgsr_pr_kept, regress_pgsr_pr_managed TO regress_pgsr_pr_lou;
SELECT * FROM regress.pr_direct('regress_pgsr_pr_lou');

-- With regress_pgsr_pr_kept preserved: the privileges in the managed schema
-- go, those on objects in the kept one stay; the kept schema's own USAGE
-- and CREATE are managed as any schema's (USAGE is declared through an
-- intermediate role); the declared SELECT in it is granted, and the
-- membership for kept.dropped, no longer declared, is revoked.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_pr_lou', '[
    {"type": "schema_usage", "schema": "regress_pgsr_pr_kept"},
    {"type": "schema_usage", "schema": "regress_pgsr_pr_managed", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_pr_kept", "table": "declared"}
]', '{regress_pgsr_pr_kept}') ORDER BY step;
SELECT * FROM regress.pr_direct('regress_pgsr_pr_lou');
SELECT has_schema_privilege('regress_pgsr_pr_lou', 'regress_pgsr_pr_kept', 'USAGE') AS kept_usage,
       has_schema_privilege('regress_pgsr_pr_lou', 'regress_pgsr_pr_kept', 'CREATE') AS kept_create;
\c - :su
SET ROLE regress_pgsr_pr_lou;
INSERT INTO regress_pgsr_pr_kept.handmade VALUES (10);
SELECT x FROM regress_pgsr_pr_kept.handmade ORDER BY x;
SELECT y FROM regress_pgsr_pr_kept.dropped;
SELECT x FROM regress_pgsr_pr_kept.dropped;
SELECT nextval('regress_pgsr_pr_kept.seq');
SELECT x FROM regress_pgsr_pr_kept.declared;
INSERT INTO regress_pgsr_pr_managed.handmade VALUES (10);
SELECT x FROM regress_pgsr_pr_managed.handmade;
CREATE TABLE regress_pgsr_pr_kept.lous (x int);
CREATE TABLE regress_pgsr_pr_managed.lous (x int);
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- The same again: nothing to do (what is preserved is not a change due).
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_pr_lou', '[
    {"type": "schema_usage", "schema": "regress_pgsr_pr_kept"},
    {"type": "schema_usage", "schema": "regress_pgsr_pr_managed", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_pr_kept", "table": "declared"}
]', '{regress_pgsr_pr_kept}');

-- A declared direct SELECT in a preserved schema is granted as well; the
-- intermediate role's membership it replaces is revoked.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_pr_lou', '[
    {"type": "schema_usage", "schema": "regress_pgsr_pr_kept"},
    {"type": "schema_usage", "schema": "regress_pgsr_pr_managed", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_pr_kept", "table": "declared", "direct": true}
]', '{regress_pgsr_pr_kept}') ORDER BY step;
-- No longer declared, it is left alone as well: it is a privilege on an
-- object in a preserved schema.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_pr_lou', '[
    {"type": "schema_usage", "schema": "regress_pgsr_pr_kept"},
    {"type": "schema_usage", "schema": "regress_pgsr_pr_managed", "direct": true}
]', '{regress_pgsr_pr_kept}') ORDER BY step;
SELECT * FROM regress.pr_direct('regress_pgsr_pr_lou');
\c - :su
SET ROLE regress_pgsr_pr_lou;
SELECT x FROM regress_pgsr_pr_kept.declared;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- A schema named in the list that does not exist is no error; several can
-- be listed.
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_pr_lou', '[
    {"type": "schema_usage", "schema": "regress_pgsr_pr_kept"},
    {"type": "schema_usage", "schema": "regress_pgsr_pr_managed", "direct": true}
]', '{regress_pgsr_pr_no_such_schema, regress_pgsr_pr_kept}');

-- The same role with nothing preserved: every undeclared privilege in the
-- kept schema goes too.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_pr_lou', '[
    {"type": "schema_usage", "schema": "regress_pgsr_pr_kept", "direct": true}
]') ORDER BY step;
SELECT * FROM regress.pr_direct('regress_pgsr_pr_lou');
\c - :su
SET ROLE regress_pgsr_pr_lou;
INSERT INTO regress_pgsr_pr_kept.handmade VALUES (11);
SELECT x FROM regress_pgsr_pr_kept.handmade;
SELECT y FROM regress_pgsr_pr_kept.dropped;
SELECT nextval('regress_pgsr_pr_kept.seq');
SELECT x FROM regress_pgsr_pr_kept.declared;
RESET ROLE;

-- Cleaning up.
\c - :su
SET client_min_messages = warning;
DROP SCHEMA regress_pgsr_pr_kept CASCADE;
DROP SCHEMA regress_pgsr_pr_managed CASCADE;
DROP FUNCTION regress.pr_direct(text);
SELECT regress.drop_roles('regress\_pgsr\_pr\_%');
SELECT regress.drop_roles('\_pgsr\_%');
