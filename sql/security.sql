-- What a caller, or a role being synced, must not be able to turn to their
-- advantage.
\set su :USER
CREATE ROLE regress_pgsr_sec_mallory LOGIN;
CALL regress.manage('regress_pgsr_sec_mallory');
CREATE ROLE regress_pgsr_sec_accomplice;
CALL regress.manage('regress_pgsr_sec_accomplice');
CREATE SCHEMA regress_pgsr_sec_mal AUTHORIZATION regress_pgsr_sec_accomplice;
CREATE ROLE regress_pgsr_sec_noinherit NOINHERIT;
CALL regress.manage('regress_pgsr_sec_noinherit');
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
SET ROLE regress_pgsr_sec_accomplice;
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
-- ... and has mallory synced with that table: she gets new intermediate
-- roles for it, not the secret table's (their comments name the secret
-- table and schema).
\c - regress_pgsr_admin
SELECT step, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_sec_mallory', '[
    {"type": "login"},
    {"type": "schema_usage", "schema": "regress_pgsr_sec_mal"},
    {"type": "table_select", "schema": "regress_pgsr_sec_mal", "table_regex": ".*"}
]');
\c - :su
SET ROLE regress_pgsr_sec_mallory;
SELECT x FROM regress_pgsr_sec_secret.t;
SELECT count(*) FROM regress_pgsr_sec_mal.mine;
RESET ROLE;

-- An intermediate role's comment names its object by oid: renaming the
-- object keeps it, and a new object under the old name does not inherit it
-- (here an accomplice with CREATE on the schema makes one and grants it to
-- the renamed table's intermediate role).
\c - regress_pgsr_admin
CREATE SCHEMA regress_pgsr_sec_open;
GRANT USAGE, CREATE ON SCHEMA regress_pgsr_sec_open TO regress_pgsr_sec_accomplice;
CREATE TABLE regress_pgsr_sec_open.r (x int);
INSERT INTO regress_pgsr_sec_open.r VALUES (7);
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_sec_reader2', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sec_open"},
    {"type": "table_select", "schema": "regress_pgsr_sec_open", "table": "r"}
]');
ALTER TABLE regress_pgsr_sec_open.r RENAME TO r_old;
\c - :su
SET ROLE regress_pgsr_sec_accomplice;
CREATE TABLE regress_pgsr_sec_open.r (x int);
DO $$
DECLARE r text;
BEGIN
    FOR r IN SELECT a.grantee::regrole::text
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
              WHERE n.nspname = 'regress_pgsr_sec_open' AND c.relname = 'r_old'
                AND a.grantee::regrole::text LIKE '\_pgsr\_%' LOOP
        EXECUTE format('GRANT SELECT ON regress_pgsr_sec_open.r TO %s', r);
    END LOOP;
END $$;
RESET ROLE;
\c - regress_pgsr_admin
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_sec_reader2', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sec_open"},
    {"type": "table_select", "schema": "regress_pgsr_sec_open", "table": "r_old"}
]');
SELECT step, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_sec_mallory', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sec_open"},
    {"type": "table_select", "schema": "regress_pgsr_sec_open", "table": "r"}
]');
\c - :su
SET ROLE regress_pgsr_sec_mallory;
SELECT x FROM regress_pgsr_sec_open.r_old;
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

-- The secret table's intermediate roles, now named in other ACLs too,
-- stay in use for the secret table: their comment says what they were made
-- for, and what others grant them they could grant anyone.  No churn.
SELECT step, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_sec_reader', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sec_secret"},
    {"type": "table_select", "schema": "regress_pgsr_sec_secret", "table": "t"}
]');

-- Memberships of another database's intermediate roles are that database's
-- business: they are not revoked here.  (This one is marked as made by sync
-- for a table of database 1, which exists.)
CREATE ROLE _pgsr_local_1_table_select_0000beef;
CALL regress.manage('_pgsr_local_1_table_select_0000beef');
COMMENT ON ROLE _pgsr_local_1_table_select_0000beef IS 'pg_sync_roles: intermediate role for SELECT on table "s"."t" [pg_class 16999]';
GRANT _pgsr_local_1_table_select_0000beef TO regress_pgsr_sec_reader;
-- A role merely named like one is not left alone: not a look-alike with a
-- made-up kind, nor one that is itself a member of something, nor an
-- unmarked one that holds nothing in that database.
\c - :su
CREATE ROLE regress_pgsr_sec_finance;
CALL regress.manage('regress_pgsr_sec_finance');
CREATE ROLE _pgsr_local_1_backdoor;
CALL regress.manage('_pgsr_local_1_backdoor');
CREATE ROLE _pgsr_local_1_table_select_0000c0de;
CALL regress.manage('_pgsr_local_1_table_select_0000c0de');
CREATE ROLE _pgsr_local_1_table_select_0000dead;
CALL regress.manage('_pgsr_local_1_table_select_0000dead');
COMMENT ON ROLE _pgsr_local_1_table_select_0000c0de IS 'pg_sync_roles: intermediate role for SELECT on table "s"."t" [pg_class 16998]';
GRANT regress_pgsr_sec_finance TO _pgsr_local_1_backdoor, _pgsr_local_1_table_select_0000c0de;
-- (Granted by the caller: on 16+ a membership a superuser granted is revoked
-- only by a superuser, and sync says so with an error.)
\c - regress_pgsr_admin
GRANT _pgsr_local_1_backdoor, _pgsr_local_1_table_select_0000c0de, _pgsr_local_1_table_select_0000dead
   TO regress_pgsr_sec_reader;
SELECT action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_sec_reader', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sec_secret"},
    {"type": "table_select", "schema": "regress_pgsr_sec_secret", "table": "t"}
]') ORDER BY step;
SELECT pg_has_role('regress_pgsr_sec_reader', 'regress_pgsr_sec_finance', 'MEMBER') AS in_finance;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_sec_reader', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sec_secret"},
    {"type": "table_select", "schema": "regress_pgsr_sec_secret", "table": "t"}
]');
SELECT pg_has_role('regress_pgsr_sec_reader', '_pgsr_local_1_table_select_0000beef', 'MEMBER') AS still_member;
-- But not when that database is gone (a restore under a new oid) ...
CREATE ROLE _pgsr_local_4000000000_table_select_0000beef;
CALL regress.manage('_pgsr_local_4000000000_table_select_0000beef');
GRANT _pgsr_local_4000000000_table_select_0000beef TO regress_pgsr_sec_reader;
-- ... or when the role holds something here (a copy of another database).
CREATE ROLE _pgsr_local_1_table_select_0000cafe;
CALL regress.manage('_pgsr_local_1_table_select_0000cafe');
GRANT SELECT ON regress_pgsr_sec_secret.t TO _pgsr_local_1_table_select_0000cafe;
GRANT _pgsr_local_1_table_select_0000cafe TO regress_pgsr_sec_reader;
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_sec_reader', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sec_secret"},
    {"type": "table_select", "schema": "regress_pgsr_sec_secret", "table": "t"}
]');

-- ADMIN OPTION cannot be declared: a declared membership keeps only the membership.
CREATE ROLE regress_pgsr_sec_team;
CALL regress.manage('regress_pgsr_sec_team');
GRANT regress_pgsr_sec_team TO regress_pgsr_sec_reader WITH ADMIN OPTION;
SELECT step, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_sec_reader', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sec_secret"},
    {"type": "table_select", "schema": "regress_pgsr_sec_secret", "table": "t"},
    {"type": "role_membership", "role": "regress_pgsr_sec_team"}
]');
SELECT admin_option FROM pg_auth_members
 WHERE roleid = 'regress_pgsr_sec_team'::regrole AND member = 'regress_pgsr_sec_reader'::regrole;

-- On 15 a NOINHERIT role would get nothing from an intermediate role: an
-- error says so.  From 16 on the membership carries INHERIT TRUE: it works.
-- Direct grants work on both.
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000
            THEN regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_sec_noinherit',
                     '[{"type": "schema_usage", "schema": "regress_pgsr_sec_secret"}]')$$) = 'ok'
            ELSE regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_sec_noinherit',
                     '[{"type": "schema_usage", "schema": "regress_pgsr_sec_secret"}]')$$)
                 = '22023: grants[0]: role "regress_pgsr_sec_noinherit" is NOINHERIT, so the privileges of intermediate roles would not apply to it; declare it "direct": true'
       END AS as_the_version_allows;
SELECT has_schema_privilege('regress_pgsr_sec_noinherit', 'regress_pgsr_sec_secret', 'USAGE')
       = (current_setting('server_version_num')::int >= 160000) AS usage_where_allowed;
SELECT count(*) >= 0 AS reset FROM pg_sync_roles.sync('regress_pgsr_sec_noinherit', '[]');
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_sec_noinherit',
    '[{"type": "schema_usage", "schema": "regress_pgsr_sec_secret", "direct": true}]');

-- Predefined roles are not synced.
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('pg_monitor', '[]')$$);

-- A revoke made as another role (what that role granted) leaves the
-- caller's role setting as it was, even a SET LOCAL ROLE.
CREATE ROLE regress_pgsr_sec_grantor;
CALL regress.manage('regress_pgsr_sec_grantor');
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
CALL regress.manage('_pgsr_local_helpdesk');
CREATE ROLE _pgsr_global_database_connect_ops_team;
CALL regress.manage('_pgsr_global_database_connect_ops_team');
CREATE ROLE _pgsr_local_1_table_select_0badf00d LOGIN;
CALL regress.manage('_pgsr_local_1_table_select_0badf00d');
\c - regress_pgsr_admin
SELECT regress.stable(d) AS dropped FROM pg_sync_roles.drop_unused_roles() AS d ORDER BY 1;
SELECT rolname FROM pg_roles WHERE rolname IN ('_pgsr_local_helpdesk', '_pgsr_global_database_connect_ops_team',
                                               '_pgsr_local_1_table_select_0badf00d') ORDER BY 1;

\c - :su
DROP ROLE _pgsr_local_helpdesk, _pgsr_global_database_connect_ops_team, _pgsr_local_1_table_select_0badf00d;
DROP ROLE IF EXISTS _pgsr_local_1_backdoor, _pgsr_local_1_table_select_0000c0de, _pgsr_local_1_table_select_0000dead,
          regress_pgsr_sec_finance;
DROP SCHEMA regress_pgsr_sec_secret, regress_pgsr_sec_mal, regress_pgsr_sec_open CASCADE;
SELECT regress.drop_roles('regress\_pgsr\_sec\_%');
SELECT regress.drop_roles('\_pgsr\_%');
