-- login: LOGIN, password and VALID UNTIL; no login in the document removes
-- them.  (Real logins over TCP are in test/login.)
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;

-- A new role with a plaintext password: the statement shows it redacted.
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_lg',
    '[{"type": "login", "password": "correct horse battery staple"}]');
SELECT rolcanlogin, rolvaliduntil FROM pg_roles WHERE rolname = 'regress_pgsr_lg';

-- The caller cannot read pg_authid, so a declared password is set again on
-- every sync; without one, a matching role is left alone.
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_lg',
    '[{"type": "login", "password": "correct horse battery staple"}]');
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_lg',
    '[{"type": "login", "password": null, "valid_until": null}]');
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_lg', '[{"type": "login"}]');

-- valid_until is parsed by PostgreSQL and compared as a timestamp, not as text.
SET TimeZone = 'UTC';
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_lg',
    '[{"type": "login", "valid_until": "2031-06-01 12:00:00+02"}]');
SELECT rolvaliduntil FROM pg_roles WHERE rolname = 'regress_pgsr_lg';
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_lg',
    '[{"type": "login", "valid_until": "2031-06-01T10:00:00Z"}]');
-- Back to forever.
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_lg', '[{"type": "login"}]');
SELECT rolvaliduntil FROM pg_roles WHERE rolname = 'regress_pgsr_lg';

-- No login: NOLOGIN and no password.
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_lg', '[]');
SELECT rolcanlogin FROM pg_roles WHERE rolname = 'regress_pgsr_lg';
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_lg', '[]');

-- What was stored, seen by the superuser: SCRAM, and then nothing.
\c - :su
SELECT rolpassword IS NULL AS no_password FROM pg_authid WHERE rolname = 'regress_pgsr_lg';

-- A SCRAM secret is stored as given.  (The model role's password is one
-- whatever the server's password_encryption.)
SET password_encryption = 'scram-sha-256';
CREATE ROLE regress_pgsr_lg_model PASSWORD 'from a model role';
SELECT rolpassword AS secret FROM pg_authid WHERE rolname = 'regress_pgsr_lg_model' \gset
\c - regress_pgsr_admin
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_lg',
    jsonb_build_array(jsonb_build_object('type', 'login', 'password', :'secret')));
\c - :su
SELECT rolpassword = :'secret' AS stored_as_given FROM pg_authid WHERE rolname = 'regress_pgsr_lg';

-- A plaintext password is hashed in the server: SCRAM-SHA-256 even when
-- password_encryption says md5.
SET password_encryption = 'md5';
SELECT count(*) FROM pg_sync_roles.sync('regress_pgsr_lg', '[{"type": "login", "password": "plain"}]');
SELECT rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = 'regress_pgsr_lg';
RESET password_encryption;

-- A superuser can read pg_authid: a password already set is not set again,
-- for plaintext and for a SCRAM secret alike; a different one is.
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_lg', '[{"type": "login", "password": "plain"}]');
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_lg', '[{"type": "login", "password": "other"}]');
SELECT rolpassword AS secret FROM pg_authid WHERE rolname = 'regress_pgsr_lg' \gset
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_lg',
    jsonb_build_array(jsonb_build_object('type', 'login', 'password', :'secret')));

-- The password never reaches an error or its context, even when the
-- statement carrying it fails (a non-superuser may not alter a superuser).
CREATE ROLE regress_pgsr_lg_super SUPERUSER;
\c - regress_pgsr_admin
CREATE FUNCTION pg_temp.failure(doc jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE msg text; ctx text; det text;
BEGIN
    PERFORM pg_sync_roles.sync('regress_pgsr_lg_super', doc);
    RETURN 'no error';
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, ctx = PG_EXCEPTION_CONTEXT, det = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ' | leaks plaintext: ' || (msg || ctx || det LIKE '%hunter2%')
        || ' | leaks secret: ' || (msg || ctx || det LIKE '%SCRAM-SHA-256$%');
END $$;
SELECT pg_temp.failure('[{"type": "login", "password": "hunter2"}]');
SELECT pg_temp.failure(jsonb_build_array(jsonb_build_object('type', 'login', 'password', :'secret')));

\c - :su
DROP ROLE regress_pgsr_lg_super, regress_pgsr_lg_model, regress_pgsr_lg;
