-- sync in transactions the caller runs: a procedure that syncs many roles and
-- commits every few of them, so that the locks sync takes are held briefly,
-- run with CALL; and a migration that syncs inside a larger transaction and
-- rolls back, after which the roles, their memberships and grants are as
-- they were.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;
CREATE SCHEMA regress_pgsr_tx;
CREATE TABLE regress_pgsr_tx.orders (x int);
CREATE TABLE regress_pgsr_tx.refunds (x int);

-- The locks a sync that changed something holds to the end of its
-- transaction: the advisory lock (key 1) and the lock on pg_authid that
-- serialises syncs.
CREATE FUNCTION regress_pgsr_tx.sync_locks() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM pg_locks
     WHERE pid = pg_backend_pid()
       AND (locktype = 'advisory'
            OR (locktype = 'object' AND classid = 'pg_authid'::regclass AND objid = 0))
$$;

-- A procedure: the desired documents in a table, synced in batches.  After
-- each COMMIT it notes which of sync's locks were held just before, and
-- which are held after.
CREATE TABLE regress_pgsr_tx.desired (role_name text PRIMARY KEY, grants jsonb NOT NULL);
INSERT INTO regress_pgsr_tx.desired
SELECT format('regress_pgsr_tx_%s', i), '[{"type": "schema_usage", "schema": "regress_pgsr_tx"},
                                          {"type": "table_select", "schema": "regress_pgsr_tx", "table": "orders"}]'
  FROM generate_series(1, 5) AS i;
CREATE TABLE regress_pgsr_tx.batches (roles_done int, locks_before_commit bigint, locks_after_commit bigint);
CREATE PROCEDURE regress_pgsr_tx.sync_desired(batch_size integer) LANGUAGE plpgsql AS $$
DECLARE
    r record;
    done integer := 0;
    held bigint;
BEGIN
    FOR r IN SELECT role_name, grants FROM regress_pgsr_tx.desired ORDER BY role_name LOOP
        PERFORM count(*) FROM pg_sync_roles.sync(r.role_name, r.grants);
        done := done + 1;
        IF done % batch_size = 0 OR done = (SELECT count(*) FROM regress_pgsr_tx.desired) THEN
            held := regress_pgsr_tx.sync_locks();
            COMMIT;
            INSERT INTO regress_pgsr_tx.batches VALUES (done, held, regress_pgsr_tx.sync_locks());
        END IF;
    END LOOP;
END $$;

-- Five roles, two a batch: each batch held the locks until its COMMIT, and
-- none after.
CALL regress_pgsr_tx.sync_desired(2);
SELECT * FROM regress_pgsr_tx.batches ORDER BY roles_done;
SELECT role_name, has_table_privilege(role_name, 'regress_pgsr_tx.orders', 'SELECT') AS reads_orders
  FROM regress_pgsr_tx.desired ORDER BY 1;

-- Run again with nothing to change, no batch takes a lock at all.
TRUNCATE regress_pgsr_tx.batches;
CALL regress_pgsr_tx.sync_desired(2);
SELECT * FROM regress_pgsr_tx.batches ORDER BY roles_done;

-- A procedure that commits cannot run inside a transaction block (or a
-- function): CALL it on its own, as pg_cron and psql do.
SELECT regress.error_of('CALL regress_pgsr_tx.sync_desired(2)') AS called_from_a_function;

-- A migration.  The role before it:
SELECT count(*) > 0 AS changed FROM pg_sync_roles.sync('regress_pgsr_tx_m', '[
    {"type": "login"},
    {"type": "role_membership", "role": "regress_pgsr_tx_group"},
    {"type": "schema_usage", "schema": "regress_pgsr_tx"},
    {"type": "table_select", "schema": "regress_pgsr_tx", "table": "orders"},
    {"type": "table_select", "schema": "regress_pgsr_tx", "table": "refunds", "direct": true}
]');
-- Everything the role holds, by name (intermediate roles included), and every
-- role of the cluster: what a rollback must leave as it was.
CREATE FUNCTION regress_pgsr_tx.state(r text) RETURNS TABLE (what text, value text) LANGUAGE sql AS $$
    SELECT 'role', format('login %s, valid until %s', rolcanlogin, rolvaliduntil)
      FROM pg_roles WHERE rolname = r
    UNION ALL
    SELECT 'member of', m.roleid::regrole::text FROM pg_auth_members m WHERE m.member = r::regrole
    UNION ALL
    SELECT 'acl of ' || c.relname, c.relacl::text
      FROM pg_class c WHERE c.oid IN ('regress_pgsr_tx.orders'::regclass, 'regress_pgsr_tx.refunds'::regclass)
    UNION ALL
    SELECT 'acl of schema', nspacl::text FROM pg_namespace WHERE nspname = 'regress_pgsr_tx'
    UNION ALL
    SELECT 'roles', string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles
$$;
CREATE TEMP TABLE before_migration AS SELECT * FROM regress_pgsr_tx.state('regress_pgsr_tx_m');
SELECT regress.member_of('regress_pgsr_tx_m') AS member_of;

-- The migration adds a table, moves the role to it and to another group,
-- sets an expiry, and is rolled back.
BEGIN;
CREATE TABLE regress_pgsr_tx.returns (x int);
SELECT step, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_tx_m', '[
    {"type": "login", "valid_until": "2031-01-01 00:00:00+00"},
    {"type": "role_membership", "role": "regress_pgsr_tx_newgroup"},
    {"type": "schema_usage", "schema": "regress_pgsr_tx"},
    {"type": "table_select", "schema": "regress_pgsr_tx", "table": "returns"}
]') WHERE NOT (action = 'grant' AND statement NOT LIKE '% ON %');
-- (the memberships granted, which 16+ grants in two statements:)
SELECT regress.member_of('regress_pgsr_tx_m') AS member_of;
SELECT has_table_privilege('regress_pgsr_tx_m', 'regress_pgsr_tx.returns', 'SELECT') AS reads_returns,
       has_table_privilege('regress_pgsr_tx_m', 'regress_pgsr_tx.orders', 'SELECT') AS reads_orders,
       regress_pgsr_tx.sync_locks() AS locks_held;
ROLLBACK;

-- Everything is as before: no difference either way, the same roles can
-- read the same tables, the new group and intermediate role are gone.
(SELECT * FROM regress_pgsr_tx.state('regress_pgsr_tx_m') EXCEPT ALL SELECT * FROM before_migration)
UNION ALL
(SELECT * FROM before_migration EXCEPT ALL SELECT * FROM regress_pgsr_tx.state('regress_pgsr_tx_m'));
SELECT has_table_privilege('regress_pgsr_tx_m', 'regress_pgsr_tx.orders', 'SELECT') AS reads_orders,
       has_table_privilege('regress_pgsr_tx_m', 'regress_pgsr_tx.refunds', 'SELECT') AS reads_refunds,
       pg_has_role('regress_pgsr_tx_m', 'regress_pgsr_tx_group', 'USAGE') AS uses_group,
       to_regrole('regress_pgsr_tx_newgroup') IS NULL AS newgroup_gone,
       to_regclass('regress_pgsr_tx.returns') IS NULL AS returns_gone,
       regress_pgsr_tx.sync_locks() AS locks_held;

-- A migration whose role step is undone to a savepoint, the rest committed.
BEGIN;
CREATE TABLE regress_pgsr_tx.kept (x int);
SAVEPOINT roles;
SELECT count(*) > 0 AS changed FROM pg_sync_roles.sync('regress_pgsr_tx_m', '[]');
SELECT rolcanlogin FROM pg_roles WHERE rolname = 'regress_pgsr_tx_m';
ROLLBACK TO SAVEPOINT roles;
SELECT regress_pgsr_tx.sync_locks() AS locks_held_after_rollback_to_savepoint;
COMMIT;
(SELECT * FROM regress_pgsr_tx.state('regress_pgsr_tx_m') EXCEPT ALL SELECT * FROM before_migration)
UNION ALL
(SELECT * FROM before_migration EXCEPT ALL SELECT * FROM regress_pgsr_tx.state('regress_pgsr_tx_m'));
SELECT to_regclass('regress_pgsr_tx.kept') IS NOT NULL AS kept_exists;

-- Cleaning up.
DROP SCHEMA regress_pgsr_tx CASCADE;
\c - :su
SET client_min_messages = warning;
SELECT regress.drop_roles('regress\_pgsr\_tx%');
SELECT regress.drop_roles('\_pgsr\_%');
