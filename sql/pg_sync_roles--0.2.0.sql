-- pg_sync_roles 0.2.0 (default_version): every function of this version.
-- An update script (sql/pg_sync_roles--A--B.sql) adds each function new in
-- a version exactly as here; test/upgrade/run.sh checks that an updated
-- install and a fresh one have the same functions, comments and privileges.
\echo Use "CREATE EXTENSION pg_sync_roles" to load this file. \quit

-- The pg_ prefix is reserved for system schemas: creating this one needs
-- allow_system_table_mods, for this statement only (installing needs a
-- superuser anyway).  DROP EXTENSION removes the schema with the functions.
SET LOCAL allow_system_table_mods = on;
CREATE SCHEMA pg_sync_roles;
RESET allow_system_table_mods;
COMMENT ON SCHEMA pg_sync_roles IS 'pg_sync_roles: make roles match declared grants';
GRANT USAGE ON SCHEMA pg_sync_roles TO PUBLIC;

-- Each function: CREATE, COMMENT, then EXECUTE revoked from PUBLIC (an
-- administrator decides who may call it).

CREATE FUNCTION pg_sync_roles.sync(
    role_name pg_catalog.text,
    grants pg_catalog.jsonb DEFAULT '[]',
    preserve_existing_grants_in_schemas pg_catalog.text[] DEFAULT '{}',
    lock_key pg_catalog.int8 DEFAULT 1)
RETURNS TABLE (step pg_catalog.int4, action pg_catalog.text, statement pg_catalog.text)
LANGUAGE c VOLATILE PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'pgsr_sync';
COMMENT ON FUNCTION pg_sync_roles.sync(pg_catalog.text, pg_catalog.jsonb, pg_catalog.text[], pg_catalog.int8)
IS 'Make the role''s privileges and memberships exactly match the grants document; returns the statements run';
REVOKE ALL ON FUNCTION pg_sync_roles.sync(pg_catalog.text, pg_catalog.jsonb, pg_catalog.text[], pg_catalog.int8) FROM PUBLIC;

CREATE FUNCTION pg_sync_roles.plan(
    role_name pg_catalog.text,
    grants pg_catalog.jsonb DEFAULT '[]',
    preserve_existing_grants_in_schemas pg_catalog.text[] DEFAULT '{}',
    lock_key pg_catalog.int8 DEFAULT 1)
RETURNS TABLE (step pg_catalog.int4, action pg_catalog.text, statement pg_catalog.text)
LANGUAGE c VOLATILE PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'pgsr_plan';
COMMENT ON FUNCTION pg_sync_roles.plan(pg_catalog.text, pg_catalog.jsonb, pg_catalog.text[], pg_catalog.int8)
IS 'The statements sync would run, without running them or taking a lock';
REVOKE ALL ON FUNCTION pg_sync_roles.plan(pg_catalog.text, pg_catalog.jsonb, pg_catalog.text[], pg_catalog.int8) FROM PUBLIC;

CREATE FUNCTION pg_sync_roles.drop_unused_roles(lock_key pg_catalog.int8 DEFAULT 1)
RETURNS SETOF pg_catalog.text
LANGUAGE c VOLATILE PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'pgsr_drop_unused_roles';
COMMENT ON FUNCTION pg_sync_roles.drop_unused_roles(pg_catalog.int8)
IS 'Drop the intermediate roles no ACL refers to any more; returns their names';
REVOKE ALL ON FUNCTION pg_sync_roles.drop_unused_roles(pg_catalog.int8) FROM PUBLIC;

-- New in 0.2.0 (sql/pg_sync_roles--0.1.0--0.2.0.sql).

CREATE FUNCTION pg_sync_roles.sync_many(
    roles pg_catalog.jsonb,
    preserve_existing_grants_in_schemas pg_catalog.text[] DEFAULT '{}',
    lock_key pg_catalog.int8 DEFAULT 1)
RETURNS TABLE (step pg_catalog.int4, role pg_catalog.text, action pg_catalog.text, statement pg_catalog.text)
LANGUAGE c VOLATILE PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'pgsr_sync_many';
COMMENT ON FUNCTION pg_sync_roles.sync_many(pg_catalog.jsonb, pg_catalog.text[], pg_catalog.int8)
IS 'sync for every role of {"role": [grants], ...} at once: one catalog pass, one plan, one lock';
REVOKE ALL ON FUNCTION pg_sync_roles.sync_many(pg_catalog.jsonb, pg_catalog.text[], pg_catalog.int8) FROM PUBLIC;

CREATE FUNCTION pg_sync_roles.plan_many(
    roles pg_catalog.jsonb,
    preserve_existing_grants_in_schemas pg_catalog.text[] DEFAULT '{}',
    lock_key pg_catalog.int8 DEFAULT 1)
RETURNS TABLE (step pg_catalog.int4, role pg_catalog.text, action pg_catalog.text, statement pg_catalog.text)
LANGUAGE c VOLATILE PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'pgsr_plan_many';
COMMENT ON FUNCTION pg_sync_roles.plan_many(pg_catalog.jsonb, pg_catalog.text[], pg_catalog.int8)
IS 'The statements sync_many would run, without running them or taking a lock';
REVOKE ALL ON FUNCTION pg_sync_roles.plan_many(pg_catalog.jsonb, pg_catalog.text[], pg_catalog.int8) FROM PUBLIC;

CREATE FUNCTION pg_sync_roles.describe(role_name pg_catalog.text)
RETURNS pg_catalog.jsonb
LANGUAGE c VOLATILE PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'pgsr_describe';
COMMENT ON FUNCTION pg_sync_roles.describe(pg_catalog.text)
IS 'The role''s current state as a grants document sync accepts; what no element can declare is listed as "not_expressible" elements';
REVOKE ALL ON FUNCTION pg_sync_roles.describe(pg_catalog.text) FROM PUBLIC;

CREATE FUNCTION pg_sync_roles.describe_many(role_names pg_catalog.text[])
RETURNS pg_catalog.jsonb
LANGUAGE c VOLATILE PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'pgsr_describe_many';
COMMENT ON FUNCTION pg_sync_roles.describe_many(pg_catalog.text[])
IS 'describe for several roles: {"role": [grants], ...}, as sync_many takes it';
REVOKE ALL ON FUNCTION pg_sync_roles.describe_many(pg_catalog.text[]) FROM PUBLIC;
