-- 4,000 roles given SELECT on one table, USAGE on one schema and CONNECT on
-- one database (through intermediate roles): no "row is too big", and each
-- object's ACL holds one entry for all of them.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT current_database() AS db \gset
CREATE SCHEMA regress_pgsr_sc;
CREATE TABLE regress_pgsr_sc.t (x int);
INSERT INTO regress_pgsr_sc.t VALUES (42);

SELECT jsonb_build_array(
    jsonb_build_object('type', 'database_connect', 'database', :'db'),
    jsonb_build_object('type', 'schema_usage', 'schema', 'regress_pgsr_sc'),
    jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_sc', 'table', 't')
) AS doc \gset
SELECT set_config('regress.doc', :'doc', false) IS NOT NULL AS doc_set;
DO $$
BEGIN
    FOR i IN 1..4000 LOOP
        PERFORM pg_sync_roles.sync('regress_pgsr_sc_' || i, current_setting('regress.doc')::jsonb);
    END LOOP;
END $$;

-- One ACL entry each for the intermediate roles, besides the owner's.
SELECT 'table' AS object, count(*) AS acl_entries FROM pg_class, aclexplode(relacl)
 WHERE oid = 'regress_pgsr_sc.t'::regclass AND privilege_type = 'SELECT'
UNION ALL
SELECT 'schema', count(*) FROM pg_namespace, aclexplode(nspacl)
 WHERE nspname = 'regress_pgsr_sc' AND privilege_type = 'USAGE'
UNION ALL
SELECT 'database', count(*) FROM pg_database, aclexplode(datacl)
 WHERE datname = current_database() AND privilege_type = 'CONNECT' AND grantee <> 0;

-- All of them have the access.
SELECT count(*) AS roles_with_access FROM pg_roles
 WHERE rolname LIKE 'regress\_pgsr\_sc\_%'
   AND has_table_privilege(oid, 'regress_pgsr_sc.t', 'SELECT')
   AND has_schema_privilege(oid, 'regress_pgsr_sc', 'USAGE')
   AND has_database_privilege(oid, current_database(), 'CONNECT');
\c - :su
SET ROLE regress_pgsr_sc_4000;
SELECT x FROM regress_pgsr_sc.t;
RESET ROLE;

-- Syncing one of them again changes nothing.
\c - regress_pgsr_admin
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_sc_1234', :'doc');

\c - :su
DROP SCHEMA regress_pgsr_sc CASCADE;
DO $$
DECLARE r text;
BEGIN
    FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE 'regress\_pgsr\_sc\_%' LOOP
        EXECUTE format('DROP ROLE %I', r);
    END LOOP;
END $$;
SELECT regress.drop_roles('\_pgsr\_%');
