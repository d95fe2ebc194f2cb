-- pg_sync_roles 0.1.0 -> 0.2.0: the functions new in 0.2.0, each exactly as
-- sql/pg_sync_roles--0.2.0.sql makes it (test/upgrade/run.sh compares the
-- two).  The functions of 0.1.0 are unchanged.
\echo Use "ALTER EXTENSION pg_sync_roles UPDATE TO '0.2.0'" to load this file. \quit

-- Each function: CREATE, COMMENT, then EXECUTE revoked from PUBLIC.  Those
-- who could call the 0.1.0 functions cannot call these until an
-- administrator grants them.

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
