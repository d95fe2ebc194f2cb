-- What a caller, or a role being synced, must not be able to turn to their
-- advantage.
\set su :USER
CREATE ROLE regress_pgsr_sec_mallory LOGIN;
CREATE SCHEMA regress_pgsr_sec_mal AUTHORIZATION regress_pgsr_sec_mallory;
CREATE ROLE regress_pgsr_sec_noinherit NOINHERIT;
\c - regress_pgsr_admin
SET client_min_messages = warning;
CREATE SCHEMA regress_pgsr_sec_secret;
CREATE TABLE regress_pgsr_sec_secret.t (x int);
INSERT INTO regress_pgsr_sec_secret.t VALUES (42);
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_sec_reader', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sec_secret"},
    {"type": "table_select", "schema": "regress_pgsr_sec_secret", "table": "t"}
]');

-- An intermediate role is reused only if nothing but a sync could have made
-- it what it is.  Here the owner of another table grants it to the secret
-- table's intermediate roles (whose names anyone can read in the ACLs)...
\c - :su
SET ROLE regress_pgsr_sec_mallory;
CREATE TABLE regress_pgsr_sec_mal.mine (x int);
DO $$
DECLARE r text;
BEGIN
    FOR r IN SELECT a.grantee::regrole::text
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
              WHERE n.nspname = 'regress_pgsr_sec_secret' AND c.relname = 't'
                AND a.grantee::regrole::text LIKE '\_pgsr\_%' LOOP
        EXECUTE format('GRANT SELECT ON regress_pgsr_sec_mal.mine TO %s', r);
    END LOOP;
    FOR r IN SELECT a.grantee::regrole::text FROM pg_namespace, aclexplode(nspacl) a
              WHERE nspname = 'regress_pgsr_sec_secret' AND a.grantee::regrole::text LIKE '\_pgsr\_%' LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA regress_pgsr_sec_mal TO %s', r);
    END LOOP;
END $$;
RESET ROLE;
-- ... and has herself synced with her own table: she gets new intermediate
-- roles of her own, not the secret table's.
\c - regress_pgsr_admin
SELECT step, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_sec_mallory', '[
    {"type": "login"},
    {"type": "schema_ownership", "schema": "regress_pgsr_sec_mal"},
    {"type": "table_ownership", "schema": "regress_pgsr_sec_mal", "table": "mine"},
    {"type": "schema_usage", "schema": "regress_pgsr_sec_mal"},
    {"type": "table_select", "schema": "regress_pgsr_sec_mal", "table_regex": ".*"}
]');
\c - :su
SET ROLE regress_pgsr_sec_mallory;
SELECT x FROM regress_pgsr_sec_secret.t;
SELECT count(*) FROM regress_pgsr_sec_mal.mine;
RESET ROLE;

-- A role holding a temporary table (here: one that a role of the same name
-- might hold in another session) cannot block its own sync: temporary
-- relations are not touched.
SET ROLE regress_pgsr_sec_mallory;
CREATE TEMP TABLE regress_pgsr_sec_tmp (x int);
RESET ROLE;
\c - regress_pgsr_admin
SELECT count(*) FILTER (WHERE statement LIKE '%regress_pgsr_sec_tmp%') AS temp_table_statements
  FROM pg_sync_roles.sync('regress_pgsr_sec_mallory', '[]');
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_sec_mallory', '[]');

-- The secret table's intermediate roles, now named in mallory's ACLs too,
-- are no longer trusted: its readers move to new ones at their next sync.
SELECT step, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_sec_reader', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sec_secret"},
    {"type": "table_select", "schema": "regress_pgsr_sec_secret", "table": "t"}
]');

-- Memberships of another database's intermediate roles are that database's
-- business: they are not revoked here.
CREATE ROLE _pgsr_local_1_table_select_0000beef;
GRANT _pgsr_local_1_table_select_0000beef TO regress_pgsr_sec_reader;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_sec_reader', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sec_secret"},
    {"type": "table_select", "schema": "regress_pgsr_sec_secret", "table": "t"}
]');
SELECT pg_has_role('regress_pgsr_sec_reader', '_pgsr_local_1_table_select_0000beef', 'MEMBER') AS still_member;

-- ADMIN OPTION cannot be declared: a declared membership keeps only the membership.
CREATE ROLE regress_pgsr_sec_team;
GRANT regress_pgsr_sec_team TO regress_pgsr_sec_reader WITH ADMIN OPTION;
SELECT step, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_sec_reader', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sec_secret"},
    {"type": "table_select", "schema": "regress_pgsr_sec_secret", "table": "t"},
    {"type": "role_membership", "role": "regress_pgsr_sec_team"}
]');
SELECT admin_option FROM pg_auth_members
 WHERE roleid = 'regress_pgsr_sec_team'::regrole AND member = 'regress_pgsr_sec_reader'::regrole;

-- A NOINHERIT role would get nothing from an intermediate role: an error
-- says so; direct grants work.
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_sec_noinherit',
    '[{"type": "schema_usage", "schema": "regress_pgsr_sec_secret"}]')$$);
SELECT step, action, statement FROM pg_sync_roles.sync('regress_pgsr_sec_noinherit',
    '[{"type": "schema_usage", "schema": "regress_pgsr_sec_secret", "direct": true}]');

-- Predefined roles are not synced.
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('pg_monitor', '[]')$$);

-- A revoke made as another role (what that role granted) leaves the
-- caller's role setting as it was, even a SET LOCAL ROLE.
CREATE ROLE regress_pgsr_sec_grantor;
\c - :su
GRANT USAGE ON SCHEMA regress_pgsr_sec_secret TO regress_pgsr_sec_grantor;
GRANT SELECT ON regress_pgsr_sec_secret.t TO regress_pgsr_sec_grantor WITH GRANT OPTION;
SET ROLE regress_pgsr_sec_grantor;
GRANT SELECT ON regress_pgsr_sec_secret.t TO regress_pgsr_sec_reader;
RESET ROLE;
BEGIN;
SET LOCAL ROLE regress_pgsr_admin;
SELECT step, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_sec_reader', '[]');
SELECT current_user AS during_transaction;
COMMIT;
SELECT current_user = session_user AS back_to_session_user;

-- drop_unused_roles drops only roles named exactly as intermediate roles,
-- and never one that can log in.
CREATE ROLE _pgsr_local_helpdesk LOGIN;
CREATE ROLE _pgsr_global_database_connect_ops_team;
CREATE ROLE _pgsr_local_1_table_select_0badf00d LOGIN;
\c - regress_pgsr_admin
SELECT regress.stable(d) AS dropped FROM pg_sync_roles.drop_unused_roles() AS d ORDER BY 1;
SELECT rolname FROM pg_roles WHERE rolname IN ('_pgsr_local_helpdesk', '_pgsr_global_database_connect_ops_team',
                                               '_pgsr_local_1_table_select_0badf00d') ORDER BY 1;

\c - :su
DROP ROLE _pgsr_local_helpdesk, _pgsr_global_database_connect_ops_team, _pgsr_local_1_table_select_0badf00d,
          _pgsr_local_1_table_select_0000beef;
DROP SCHEMA regress_pgsr_sec_secret, regress_pgsr_sec_mal CASCADE;
SELECT regress.drop_roles('regress\_pgsr\_sec\_%');
SELECT regress.drop_roles('\_pgsr\_%');
