-- plan: the statements sync would run; it changes nothing and takes no lock.
-- sync takes the advisory lock only when there is something to change.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.advisory_locks() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
$$;

BEGIN;
SELECT step, action, regress.stable(statement) AS statement FROM pg_sync_roles.plan('regress_pgsr_p',
    '[{"type": "login", "password": "pw"}, {"type": "role_membership", "role": "regress_pgsr_p_group"}]');
SELECT pg_temp.advisory_locks() AS locks_after_plan;
SELECT count(*) AS roles_created FROM pg_roles WHERE rolname LIKE 'regress\_pgsr\_p%';
COMMIT;

-- sync with changes: holds the lock (key 1 by default) to the end of the transaction.
BEGIN;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_p',
    '[{"type": "role_membership", "role": "regress_pgsr_p_group"}]');
SELECT objid AS key, mode, granted FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;

-- Another lock key, for callers who serialise differently.
BEGIN;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_p', '[]', '{}', 4242);
SELECT objid AS key FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;

-- sync with nothing to change: no lock, no rows.
BEGIN;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_p', '[]');
SELECT pg_temp.advisory_locks() AS locks_after_noop;
COMMIT;

-- plan after a change shows exactly what is left to do.
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.plan('regress_pgsr_p',
    '[{"type": "role_membership", "role": "regress_pgsr_p_group"}]');

-- Named arguments, as the SQL interface documents them.
SELECT count(*) AS changes FROM pg_sync_roles.plan(role_name => 'regress_pgsr_p', lock_key => 7,
    grants => '[]', preserve_existing_grants_in_schemas => '{}');

-- drop_unused_roles takes the lock only when there is something to drop.
BEGIN;
SELECT count(*) AS dropped FROM pg_sync_roles.drop_unused_roles(4243);
SELECT pg_temp.advisory_locks() AS locks_nothing_to_drop;
COMMIT;
CREATE TABLE regress_pgsr_p_t (x int);
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_p',
    '[{"type": "table_select", "schema": "public", "table": "regress_pgsr_p_t"}]');
DROP TABLE regress_pgsr_p_t;
BEGIN;
SELECT regress.stable(d) AS dropped FROM pg_sync_roles.drop_unused_roles(4243) AS d;
SELECT objid AS key FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;
SELECT regress.member_of('regress_pgsr_p') AS member_of;

\c - :su
SELECT regress.drop_roles('regress\_pgsr\_p%');
