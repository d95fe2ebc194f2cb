-- A database whose roles were set up as the Python library pg-sync-roles
-- leaves them (intermediate roles with its names, found through the ACLs) is
-- taken over with no change at all.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT current_database() AS db \gset

CREATE SCHEMA regress_pgsr_to_data;
CREATE TABLE regress_pgsr_to_data.facts (x int);
CREATE TABLE regress_pgsr_to_data.dims (x int);
CREATE SCHEMA regress_pgsr_to_owned;

-- By hand, the state a previous sync by the Python library left.
CREATE ROLE regress_pgsr_to_user LOGIN VALID UNTIL 'infinity';
CALL regress.manage('regress_pgsr_to_user');
CREATE ROLE regress_pgsr_to_team;
CALL regress.manage('regress_pgsr_to_team');
CREATE ROLE _pgsr_global_database_connect_1a2b3c4d;
CALL regress.manage('_pgsr_global_database_connect_1a2b3c4d');
GRANT CONNECT ON DATABASE :"db" TO _pgsr_global_database_connect_1a2b3c4d;
GRANT SELECT ON regress_pgsr_to_data.dims TO regress_pgsr_to_user;
DO $$
DECLARE
    usage_role text := '_pgsr_local_' || (SELECT oid FROM pg_database WHERE datname = current_database()) || '_schema_usage_5e6f7a8b';
    select_role text := '_pgsr_local_' || (SELECT oid FROM pg_database WHERE datname = current_database()) || '_table_select_9c0d1e2f';
BEGIN
    EXECUTE format('CREATE ROLE %I', usage_role);
    EXECUTE format('GRANT USAGE ON SCHEMA regress_pgsr_to_data TO %I', usage_role);
    EXECUTE format('CREATE ROLE %I', select_role);
    EXECUTE format('GRANT SELECT ON regress_pgsr_to_data.facts TO %I', select_role);
    EXECUTE format('GRANT _pgsr_global_database_connect_1a2b3c4d, %I, %I, regress_pgsr_to_team TO regress_pgsr_to_user',
                   usage_role, select_role);
    CALL regress.manage(usage_role, select_role);
END $$;
\c - :su
ALTER SCHEMA regress_pgsr_to_owned OWNER TO regress_pgsr_to_user;
\c - regress_pgsr_admin

-- The same state as a document: nothing to do, and nothing is created.
SELECT count(*) AS roles FROM pg_roles \gset before_
SELECT jsonb_build_array(
    jsonb_build_object('type', 'login'),
    jsonb_build_object('type', 'database_connect', 'database', :'db'),
    jsonb_build_object('type', 'role_membership', 'role', 'regress_pgsr_to_team'),
    jsonb_build_object('type', 'schema_usage', 'schema', 'regress_pgsr_to_data'),
    jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_to_data', 'table', 'facts'),
    jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_to_data', 'table', 'dims', 'direct', true),
    jsonb_build_object('type', 'schema_ownership', 'schema', 'regress_pgsr_to_owned')
) AS doc \gset
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.plan('regress_pgsr_to_user', :'doc');
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_to_user', :'doc');
SELECT count(*) - :before_roles AS roles_added FROM pg_roles;

-- A second user joins the same intermediate roles; still no new role.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_other', jsonb_build_array(
    jsonb_build_object('type', 'database_connect', 'database', :'db'),
    jsonb_build_object('type', 'schema_usage', 'schema', 'regress_pgsr_to_data'),
    jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_to_data', 'table', 'facts')));
SELECT count(*) - :before_roles AS roles_added FROM pg_roles;

\c - :su
SET ROLE regress_pgsr_to_other;
SELECT count(*) FROM regress_pgsr_to_data.facts;
RESET ROLE;
DROP SCHEMA regress_pgsr_to_data, regress_pgsr_to_owned CASCADE;
SELECT regress.drop_roles('regress\_pgsr\_to\_%');
SELECT regress.drop_roles('\_pgsr\_%');
