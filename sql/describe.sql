-- describe / describe_many: a role's current state as a grants document
-- that sync accepts.  Round trips: plan(r, describe(r)) is empty and
-- sync(r, describe(r)) changes nothing, for roles built by sync, by hand with
-- direct grants, and as the Python library builds them; what the document
-- cannot express is listed, never dropped.  Run by the non-superuser caller.
\set su :USER
SET client_min_messages = warning;
CREATE ROLE regress_pgsr_desc_team;
CALL regress.manage('regress_pgsr_desc_team');
-- A database of its own for the Python library's shapes (its CONNECT role
-- must be the only one there).
DROP DATABASE IF EXISTS regress_pgsr_desc_db;
CREATE DATABASE regress_pgsr_desc_db OWNER regress_pgsr_admin;
REVOKE CONNECT ON DATABASE regress_pgsr_desc_db FROM PUBLIC;
-- Roles only a superuser can make: one with an attribute the document does
-- not manage, one with a password.
CREATE ROLE regress_pgsr_desc_c CREATEDB;
CREATE ROLE regress_pgsr_desc_d LOGIN PASSWORD 'desc-secret-1' VALID UNTIL '2031-06-15 12:34:56.789+02';
CALL regress.manage('regress_pgsr_desc_c', 'regress_pgsr_desc_d');
-- What a role can do with the objects of this test: connect, read t, u, v
-- and the sequence q, use and create in schema s, own schema o and table w.
CREATE FUNCTION regress.desc_can(r text) RETURNS TABLE (connect boolean, other_db boolean, usage boolean,
                                                      "create" boolean, t boolean, u boolean, v boolean,
                                                      q boolean, owns text, member_of text, login boolean)
LANGUAGE sql AS $$
    SELECT has_database_privilege(r, current_database(), 'CONNECT'),
           has_database_privilege(r, 'regress_pgsr_desc_db', 'CONNECT'),
           has_schema_privilege(r, 'regress_pgsr_desc_s', 'USAGE'),
           has_schema_privilege(r, 'regress_pgsr_desc_s', 'CREATE'),
           has_table_privilege(r, 'regress_pgsr_desc_s.t', 'SELECT'),
           has_table_privilege(r, 'regress_pgsr_desc_s.u', 'SELECT'),
           has_table_privilege(r, 'regress_pgsr_desc_s.v', 'SELECT'),
           has_sequence_privilege(r, 'regress_pgsr_desc_s.q', 'SELECT'),
           (SELECT string_agg(x, ', ' ORDER BY x) FROM (
                SELECT nspname::text FROM pg_namespace WHERE nspowner = r::regrole
                UNION ALL
                SELECT relname::text FROM pg_class WHERE relowner = r::regrole) AS o(x)),
           (SELECT string_agg(m, ', ' ORDER BY m) FROM regress.member_of(r) AS m WHERE m NOT LIKE '\_pgsr\_%'),
           (SELECT rolcanlogin FROM pg_roles WHERE rolname = r)
$$;
-- The elements of a document in a stable order, to compare two documents.
CREATE FUNCTION regress.desc_sorted(d jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT coalesce(jsonb_agg(e ORDER BY e::text), '[]') FROM jsonb_array_elements(d) AS e
$$;
-- The number of statements plan and then sync return for describe's document.
CREATE FUNCTION regress.desc_round_trip(r text) RETURNS TABLE (plan bigint, sync bigint) LANGUAGE sql AS $$
    SELECT (SELECT count(*) FROM pg_sync_roles.plan(r, pg_sync_roles.describe(r))),
           (SELECT count(*) FROM pg_sync_roles.sync(r, pg_sync_roles.describe(r)))
$$;

\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT current_database() AS db \gset
-- PUBLIC's default CONNECT would hide the roles' own.
REVOKE CONNECT ON DATABASE :"db" FROM PUBLIC;
CREATE SCHEMA regress_pgsr_desc_s;
CREATE TABLE regress_pgsr_desc_s.t (a int);
CREATE TABLE regress_pgsr_desc_s.u (a int);
CREATE VIEW regress_pgsr_desc_s.v AS SELECT 1 AS one;
CREATE SEQUENCE regress_pgsr_desc_s.q;
CREATE TABLE regress_pgsr_desc_s.w (id serial);

-- 1. Built by sync: every type of element, by name, by pattern, direct.
SELECT count(*) > 0 AS synced FROM pg_sync_roles.sync('regress_pgsr_desc_a', '[
    {"type": "login", "valid_until": "2030-12-31 00:00:00+08"},
    {"type": "database_connect", "database": "contrib_regression"},
    {"type": "role_membership", "role": "regress_pgsr_desc_team"},
    {"type": "schema_usage", "schema": "regress_pgsr_desc_s"},
    {"type": "schema_create", "schema": "regress_pgsr_desc_s", "direct": true},
    {"type": "schema_ownership", "schema": "regress_pgsr_desc_o"},
    {"type": "table_select", "schema": "regress_pgsr_desc_s", "table_regex": "^[tu]$"},
    {"type": "table_select", "schema": "regress_pgsr_desc_s", "table": "v", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_desc_s", "table": "q"},
    {"type": "table_ownership", "schema": "regress_pgsr_desc_s", "table": "w"}
]');
SELECT * FROM regress.desc_can('regress_pgsr_desc_a');
-- The pattern is written as the tables it matched; the rest as declared.
SELECT jsonb_pretty(pg_sync_roles.describe('regress_pgsr_desc_a'));
SELECT * FROM regress.desc_round_trip('regress_pgsr_desc_a');
SELECT * FROM regress.desc_can('regress_pgsr_desc_a');
-- Another role synced with it (without what it owns, which would move) can
-- do the same.
SELECT count(*) > 0 AS synced FROM pg_sync_roles.sync('regress_pgsr_desc_a2',
    (SELECT jsonb_agg(e) FROM jsonb_array_elements(pg_sync_roles.describe('regress_pgsr_desc_a')) AS e
      WHERE e->>'type' NOT LIKE '%\_ownership'));
SELECT * FROM regress.desc_can('regress_pgsr_desc_a2');

-- 2. Built by hand, with direct grants only.
CREATE ROLE regress_pgsr_desc_b LOGIN VALID UNTIL 'infinity';
GRANT CONNECT ON DATABASE regress_pgsr_desc_db TO regress_pgsr_desc_b;
GRANT USAGE, CREATE ON SCHEMA regress_pgsr_desc_s TO regress_pgsr_desc_b;
GRANT SELECT ON regress_pgsr_desc_s.t, regress_pgsr_desc_s.v, regress_pgsr_desc_s.q TO regress_pgsr_desc_b;
GRANT regress_pgsr_desc_team TO regress_pgsr_desc_b;
SELECT * FROM regress.desc_can('regress_pgsr_desc_b');
-- A direct CONNECT has no element (database_connect goes through a role):
-- it is listed, and sync leaves it, as it leaves every database privilege.
SELECT jsonb_pretty(pg_sync_roles.describe('regress_pgsr_desc_b'));
SELECT * FROM regress.desc_round_trip('regress_pgsr_desc_b');
SELECT * FROM regress.desc_can('regress_pgsr_desc_b');
-- Synced from a document, read back: the same document.
SELECT count(*) > 0 AS synced FROM pg_sync_roles.sync('regress_pgsr_desc_b2', '[
    {"type": "schema_usage", "schema": "regress_pgsr_desc_s", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_desc_s", "table": "u", "direct": true},
    {"type": "role_membership", "role": "regress_pgsr_desc_team"},
    {"type": "login", "password": null, "valid_until": null}]');
SELECT regress.desc_sorted(pg_sync_roles.describe('regress_pgsr_desc_b2')) = regress.desc_sorted('[
    {"type": "schema_usage", "schema": "regress_pgsr_desc_s", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_desc_s", "table": "u", "direct": true},
    {"type": "role_membership", "role": "regress_pgsr_desc_team"},
    {"type": "login", "password": null, "valid_until": null}]') AS same_document;

-- 3. What the document cannot express is listed as "not_expressible"
-- elements (sync checks and ignores them).  sync still manages those kinds
-- it manages: the plan revokes INSERT, the column privilege, the grant
-- option and ADMIN OPTION; the function, the database privilege and the
-- attribute are not managed and stay.
GRANT SELECT ON regress_pgsr_desc_s.t TO regress_pgsr_desc_c WITH GRANT OPTION;
GRANT INSERT ON regress_pgsr_desc_s.u TO regress_pgsr_desc_c;
GRANT UPDATE (a) ON regress_pgsr_desc_s.u TO regress_pgsr_desc_c;
CREATE FUNCTION regress_pgsr_desc_s.f(int) RETURNS int LANGUAGE sql AS 'SELECT $1';
REVOKE EXECUTE ON FUNCTION regress_pgsr_desc_s.f(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION regress_pgsr_desc_s.f(int) TO regress_pgsr_desc_c;
GRANT TEMPORARY ON DATABASE :"db" TO regress_pgsr_desc_c;
GRANT regress_pgsr_desc_team TO regress_pgsr_desc_c WITH ADMIN OPTION;
SELECT jsonb_pretty(regexp_replace(pg_sync_roles.describe('regress_pgsr_desc_c')::text,
                                   'database contrib_regression', 'database <db>')::jsonb);
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.plan('regress_pgsr_desc_c', pg_sync_roles.describe('regress_pgsr_desc_c'));
SELECT count(*) AS statements
  FROM pg_sync_roles.sync('regress_pgsr_desc_c', pg_sync_roles.describe('regress_pgsr_desc_c'));
SELECT has_table_privilege('regress_pgsr_desc_c', 'regress_pgsr_desc_s.t', 'SELECT') AS t_select,
       has_table_privilege('regress_pgsr_desc_c', 'regress_pgsr_desc_s.t', 'SELECT WITH GRANT OPTION') AS t_grant_option,
       has_table_privilege('regress_pgsr_desc_c', 'regress_pgsr_desc_s.u', 'INSERT') AS u_insert,
       has_column_privilege('regress_pgsr_desc_c', 'regress_pgsr_desc_s.u', 'a', 'UPDATE') AS u_update_a,
       has_function_privilege('regress_pgsr_desc_c', 'regress_pgsr_desc_s.f(int)', 'EXECUTE') AS f_execute,
       has_database_privilege('regress_pgsr_desc_c', :'db', 'TEMPORARY') AS db_temporary,
       pg_has_role('regress_pgsr_desc_c', 'regress_pgsr_desc_team', 'MEMBER') AS team,
       pg_has_role('regress_pgsr_desc_c', 'regress_pgsr_desc_team', 'MEMBER WITH ADMIN OPTION') AS team_admin;
-- What is left is what sync does not manage: the round trip is now empty.
SELECT jsonb_pretty(regexp_replace(pg_sync_roles.describe('regress_pgsr_desc_c')::text,
                                   'database contrib_regression', 'database <db>')::jsonb);
SELECT * FROM regress.desc_round_trip('regress_pgsr_desc_c');

-- 4. Login: valid_until in UTC, the same whatever the session's settings;
-- never a password.
SET TimeZone = 'Asia/Kathmandu';
SET DateStyle = 'SQL, DMY';
SELECT pg_sync_roles.describe('regress_pgsr_desc_d') AS document;
SELECT pg_sync_roles.describe('regress_pgsr_desc_d')::text ~* 'secret|scram|md5' AS shows_password;
SELECT * FROM regress.desc_round_trip('regress_pgsr_desc_d');
RESET TimeZone;
RESET DateStyle;
\c - :su
-- The password is still the one set by hand.
SELECT rolpassword IS NOT NULL AS has_password, rolvaliduntil = '2031-06-15 10:34:56.789+00' AS valid_until_kept
  FROM pg_authid WHERE rolname = 'regress_pgsr_desc_d';

-- 5. As the Python library pg-sync-roles builds roles (as a superuser): its
-- intermediate roles, unmarked, each holding one privilege on one object
-- (objects of their own: sync made marked roles for those above).
SET client_min_messages = warning;
CREATE SCHEMA regress_pgsr_desc_p AUTHORIZATION regress_pgsr_admin;
CREATE TABLE regress_pgsr_desc_p.pt (a int);
ALTER TABLE regress_pgsr_desc_p.pt OWNER TO regress_pgsr_admin;
DO $$
DECLARE
    db oid := (SELECT oid FROM pg_database WHERE datname = current_database());
    connect_role text := '_pgsr_global_database_connect_0de5c0de';
    usage_role text := format('_pgsr_local_%s_schema_usage_0de5c0de', db);
    select_role text := format('_pgsr_local_%s_table_select_0de5c0de', db);
BEGIN
    EXECUTE format('CREATE ROLE %I', connect_role);
    EXECUTE format('CREATE ROLE %I', usage_role);
    EXECUTE format('CREATE ROLE %I', select_role);
    EXECUTE format('GRANT CONNECT ON DATABASE regress_pgsr_desc_db TO %I', connect_role);
    EXECUTE format('GRANT USAGE ON SCHEMA regress_pgsr_desc_p TO %I', usage_role);
    EXECUTE format('GRANT SELECT ON TABLE regress_pgsr_desc_p.pt TO %I', select_role);
    CREATE ROLE regress_pgsr_desc_py LOGIN;
    EXECUTE format('GRANT %I, %I, %I, regress_pgsr_desc_team TO regress_pgsr_desc_py',
                   connect_role, usage_role, select_role);
END $$;
CALL regress.manage('regress_pgsr_desc_py');
CREATE FUNCTION regress.desc_py_can() RETURNS TABLE (connect boolean, usage boolean, pt boolean, member_of text)
LANGUAGE sql AS $$
    SELECT has_database_privilege('regress_pgsr_desc_py', 'regress_pgsr_desc_db', 'CONNECT'),
           has_schema_privilege('regress_pgsr_desc_py', 'regress_pgsr_desc_p', 'USAGE'),
           has_table_privilege('regress_pgsr_desc_py', 'regress_pgsr_desc_p.pt', 'SELECT'),
           (SELECT string_agg(regexp_replace(g.rolname, '^_pgsr_local_[0-9]+_', '_pgsr_local_<db>_'), ', '
                              ORDER BY g.rolname)
              FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
             WHERE m.member = 'regress_pgsr_desc_py'::regrole)
$$;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT * FROM regress.desc_py_can();
SELECT jsonb_pretty(pg_sync_roles.describe('regress_pgsr_desc_py'));
SELECT * FROM regress.desc_round_trip('regress_pgsr_desc_py');
-- The same roles: none made, none revoked.
SELECT * FROM regress.desc_py_can();
-- An intermediate role whose table was dropped holds nothing: it is
-- written as the membership it is (drop_unused_roles would drop it).
DROP TABLE regress_pgsr_desc_p.pt;
SELECT regress.stable(e::text) AS element
  FROM jsonb_array_elements(pg_sync_roles.describe('regress_pgsr_desc_py')) AS e
 WHERE e->>'type' = 'role_membership' ORDER BY 1;
SELECT * FROM regress.desc_round_trip('regress_pgsr_desc_py');

-- 6. describe_many: {"role": [grants], ...}, as sync_many and plan_many take it.
SELECT jsonb_object_keys(pg_sync_roles.describe_many(
    '{regress_pgsr_desc_b,regress_pgsr_desc_a,regress_pgsr_desc_py,regress_pgsr_desc_a}')) AS role;
SELECT pg_sync_roles.describe_many('{regress_pgsr_desc_a,regress_pgsr_desc_py}')
     = jsonb_build_object('regress_pgsr_desc_a', pg_sync_roles.describe('regress_pgsr_desc_a'),
                          'regress_pgsr_desc_py', pg_sync_roles.describe('regress_pgsr_desc_py')) AS same_as_describe;
SELECT count(*) AS plan_many FROM pg_sync_roles.plan_many(pg_sync_roles.describe_many(
    '{regress_pgsr_desc_a,regress_pgsr_desc_a2,regress_pgsr_desc_b,regress_pgsr_desc_b2,regress_pgsr_desc_c,regress_pgsr_desc_d,regress_pgsr_desc_py}'));
SELECT count(*) AS sync_many FROM pg_sync_roles.sync_many(pg_sync_roles.describe_many(
    '{regress_pgsr_desc_a,regress_pgsr_desc_a2,regress_pgsr_desc_b,regress_pgsr_desc_b2,regress_pgsr_desc_c,regress_pgsr_desc_d,regress_pgsr_desc_py}'));
SELECT pg_sync_roles.describe_many('{}') AS no_roles;

-- 7. Errors: clear, and naming what is wrong.
SELECT regress.error_of($$SELECT pg_sync_roles.describe('regress_pgsr_desc_nobody')$$);
SELECT regress.error_of($$SELECT pg_sync_roles.describe(NULL)$$);
SELECT regress.error_of($$SELECT pg_sync_roles.describe(repeat('x', 64))$$);
SELECT regress.error_of($$SELECT pg_sync_roles.describe_many(NULL)$$);
SELECT regress.error_of($$SELECT pg_sync_roles.describe_many('{regress_pgsr_desc_a,NULL}')$$);
SELECT regress.error_of($$SELECT pg_sync_roles.describe_many('{regress_pgsr_desc_a,regress_pgsr_desc_nobody}')$$);
SELECT regress.error_of($$SELECT pg_sync_roles.describe_many(array(SELECT 'r' || g FROM generate_series(1, 10001) AS g))$$);
-- Only a role the caller could sync: not itself, not a superuser.
SELECT regress.error_of($$SELECT pg_sync_roles.describe('regress_pgsr_admin')$$);
SELECT replace(regress.error_of(format('SELECT pg_sync_roles.describe(%L)', :'su')), :'su', '<superuser>');
-- A not_expressible element must hold its two strings.
SELECT regress.error_of($$SELECT pg_sync_roles.plan('regress_pgsr_desc_a', '[{"type": "not_expressible", "privilege": "INSERT"}]')$$);
SELECT regress.error_of($$SELECT pg_sync_roles.plan('regress_pgsr_desc_a', '[{"type": "not_expressible", "privilege": "", "object": "x"}]')$$);
-- A role that was not granted EXECUTE cannot call it.
\c - :su
SET client_min_messages = warning;
CREATE ROLE regress_pgsr_desc_nobody;
SET ROLE regress_pgsr_desc_nobody;
SELECT regress.error_of($$SELECT pg_sync_roles.describe('regress_pgsr_desc_a')$$);
RESET ROLE;

\c - :su
SET client_min_messages = warning;
DROP SCHEMA regress_pgsr_desc_s CASCADE;
DROP SCHEMA regress_pgsr_desc_o CASCADE;
DROP SCHEMA regress_pgsr_desc_p CASCADE;
DROP DATABASE regress_pgsr_desc_db;
SELECT regress.drop_roles('regress\_pgsr\_desc\_%');
SELECT regress.drop_roles('\_pgsr\_%');
DROP FUNCTION regress.desc_can, regress.desc_sorted, regress.desc_round_trip, regress.desc_py_can;
SELECT format('GRANT CONNECT ON DATABASE %I TO PUBLIC', current_database()) \gexec
