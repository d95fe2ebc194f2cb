-- The error boundary: an error PostgreSQL raises in the middle of a sync
-- comes back as an ordinary SQL error with its own SQLSTATE; everything the
-- sync did before it is undone, and the session goes on.
\set su :USER
CREATE ROLE regress_pgsr_e_super SUPERUSER;
\c - regress_pgsr_admin
SET client_min_messages = warning;
\set VERBOSITY default

-- Refused before anything changes (a non-superuser may not grant a superuser
-- role): the DETAIL says why, the HINT what a superuser can run.
SELECT * FROM pg_sync_roles.sync('regress_pgsr_e', '[
    {"type": "login", "password": "pw"},
    {"type": "role_membership", "role": "regress_pgsr_e_group"},
    {"type": "role_membership", "role": "regress_pgsr_e_super"}
]');
SELECT count(*) AS roles_left FROM pg_roles WHERE rolname LIKE 'regress\_pgsr\_e\_%' AND rolname <> 'regress_pgsr_e_super';
SELECT 1 AS session_usable;

-- A change that needs a superuser's rights (granting on a superuser's
-- schema), refused up front the same way.
\c - :su
CREATE SCHEMA regress_pgsr_e_s AUTHORIZATION regress_pgsr_e_super;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT * FROM pg_sync_roles.sync('regress_pgsr_e', '[{"type": "schema_usage", "schema": "regress_pgsr_e_s", "direct": true}]');
SELECT count(*) AS e_exists FROM pg_roles WHERE rolname = 'regress_pgsr_e';

-- Inside a transaction the error aborts it like any statement's ...
-- (PostgreSQL 16 words the superuser refusal differently: its SQLSTATE only.)
\set VERBOSITY sqlstate
BEGIN;
SELECT count(*) FROM pg_sync_roles.sync('regress_pgsr_e', '[]');
SELECT * FROM pg_sync_roles.sync('regress_pgsr_e_super', '[{"type": "login"}]');
SELECT 1;
ROLLBACK;
SELECT count(*) AS e_exists FROM pg_roles WHERE rolname = 'regress_pgsr_e';

-- ... and a savepoint or an exception block catches it.
BEGIN;
SAVEPOINT s;
SELECT * FROM pg_sync_roles.sync('regress_pgsr_e_super', '[{"type": "login"}]');
ROLLBACK TO SAVEPOINT s;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_e', '[]');
COMMIT;
\set VERBOSITY default
DO $$
BEGIN
    PERFORM pg_sync_roles.sync('regress_pgsr_e_super', '[{"type": "login"}]');
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'caught: %', SQLSTATE;
END $$;

-- Errors of our own keep their SQLSTATE too.
DO $$
BEGIN
    PERFORM pg_sync_roles.sync('regress_pgsr_e', '[{"type": "nope"}]');
EXCEPTION WHEN invalid_parameter_value THEN
    RAISE WARNING 'caught 22023: %', SQLERRM;
END $$;
DO $$
BEGIN
    PERFORM pg_sync_roles.sync('regress_pgsr_e', format('[{"type": "role_membership", "role": "%s"}]', repeat('n', 64))::jsonb);
EXCEPTION WHEN name_too_long THEN
    RAISE WARNING 'caught 42622: %', SQLERRM;
END $$;

-- The calling role cannot sync itself (it would give its objects back to
-- itself, and could take away its own login).
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_admin', '[]')$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.plan(current_user, '[]')$$);

-- (statement_timeout, lock_timeout and cancellation while waiting for the
-- lock: test/isolation/specs/lock_wait.spec.)

\c - :su
SELECT regress.drop_roles('regress\_pgsr\_e%');
