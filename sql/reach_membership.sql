-- A role that can look up a schema only through a membership of the synced
-- role (its own, or one it uses) loses that when the sync revokes the
-- membership, before the GRANTs and REVOKEs of privileges run; one that can
-- only through PUBLIC loses it when the sync revokes PUBLIC's USAGE.  Then
-- the statement still gets USAGE lent by the schema's owner for that one
-- statement, and nobody keeps anything.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;
CREATE ROLE regress_pgsr_rm_owner;
CREATE ROLE regress_pgsr_rm_u;
CREATE ROLE regress_pgsr_rm_group;
CREATE ROLE regress_pgsr_rm_tabowner;
CREATE ROLE regress_pgsr_rm_v;
CREATE SCHEMA regress_pgsr_rm_given;
\c - :su
CREATE SCHEMA regress_pgsr_rm_s AUTHORIZATION regress_pgsr_rm_owner;
CREATE TABLE regress_pgsr_rm_s.t (x int);
INSERT INTO regress_pgsr_rm_s.t VALUES (1);
-- The caller owns a table in a schema it has no USAGE on; the target is a
-- member of the schema's owner, and is to own another schema (so the caller
-- is lent the target, and with it, on 15, the target's privileges).
ALTER TABLE regress_pgsr_rm_s.t OWNER TO regress_pgsr_admin;
-- (granted by the caller: on 16+ only a superuser revokes what a superuser granted)
SET ROLE regress_pgsr_admin;
GRANT regress_pgsr_rm_owner TO regress_pgsr_rm_u;
RESET ROLE;
SELECT has_schema_privilege('regress_pgsr_admin', 'regress_pgsr_rm_s', 'USAGE') AS caller_usage,
       has_schema_privilege('regress_pgsr_rm_u', 'regress_pgsr_rm_s', 'USAGE') AS u_usage;
-- (The roles the caller uses or may become: not the ADMIN-only membership
-- PostgreSQL 16 gives the creator of a role.)
CREATE VIEW regress_pgsr_rm_caller_roles AS
    SELECT coalesce(string_agg(roleid::regrole::text, ', ' ORDER BY roleid::regrole::text), '') AS roles
      FROM pg_auth_members WHERE member = (SELECT oid FROM pg_roles WHERE rolname = 'regress_pgsr_admin')
                             AND regress.caller_in(roleid::regrole::text);
SELECT roles AS caller_member_of_before FROM regress_pgsr_rm_caller_roles;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_rm_u', '[
    {"type": "table_select", "schema": "regress_pgsr_rm_s", "table": "t", "direct": true},
    {"type": "schema_ownership", "schema": "regress_pgsr_rm_given"}
]') ORDER BY step;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_rm_u', '[
    {"type": "table_select", "schema": "regress_pgsr_rm_s", "table": "t", "direct": true},
    {"type": "schema_ownership", "schema": "regress_pgsr_rm_given"}
]');
\c - :su
SELECT has_table_privilege('regress_pgsr_rm_u', 'regress_pgsr_rm_s.t', 'SELECT') AS u_select,
       pg_has_role('regress_pgsr_rm_u', 'regress_pgsr_rm_owner', 'MEMBER') AS u_in_owner,
       has_schema_privilege('regress_pgsr_rm_u', 'regress_pgsr_rm_s', 'USAGE') AS u_usage,
       (SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'regress_pgsr_rm_given') AS given_to;
-- The caller kept nothing: no USAGE, no membership.
SELECT has_schema_privilege('regress_pgsr_admin', 'regress_pgsr_rm_s', 'USAGE') AS caller_usage,
       (SELECT roles FROM regress_pgsr_rm_caller_roles) AS caller_member_of;
SET ROLE regress_pgsr_rm_u;
SELECT regress.error_of('SELECT x FROM regress_pgsr_rm_s.t') AS u_reads_without_usage;
RESET ROLE;

-- The same through a role that acts on its own table: its owner is a member
-- of the target, which loses the group that gave USAGE on the schema.
GRANT USAGE ON SCHEMA regress_pgsr_rm_s TO regress_pgsr_rm_group;
-- (granted by the caller: on 16+ only a superuser revokes what a superuser granted)
SET ROLE regress_pgsr_admin;
GRANT regress_pgsr_rm_group TO regress_pgsr_rm_v;
GRANT regress_pgsr_rm_v TO regress_pgsr_rm_tabowner;
RESET ROLE;
CREATE TABLE regress_pgsr_rm_s.t2 (x int);
INSERT INTO regress_pgsr_rm_s.t2 VALUES (2);
ALTER TABLE regress_pgsr_rm_s.t2 OWNER TO regress_pgsr_rm_tabowner;
SELECT has_schema_privilege('regress_pgsr_rm_tabowner', 'regress_pgsr_rm_s', 'USAGE') AS tabowner_usage;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_rm_v', '[
    {"type": "table_select", "schema": "regress_pgsr_rm_s", "table": "t2", "direct": true}
]') ORDER BY step;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_rm_v', '[
    {"type": "table_select", "schema": "regress_pgsr_rm_s", "table": "t2", "direct": true}
]');
\c - :su
SELECT has_table_privilege('regress_pgsr_rm_v', 'regress_pgsr_rm_s.t2', 'SELECT') AS v_select,
       pg_has_role('regress_pgsr_rm_v', 'regress_pgsr_rm_group', 'MEMBER') AS v_in_group,
       has_schema_privilege('regress_pgsr_rm_tabowner', 'regress_pgsr_rm_s', 'USAGE') AS tabowner_usage,
       (SELECT roles FROM regress_pgsr_rm_caller_roles) AS caller_member_of;


-- The same where the acting role can use the schema only through PUBLIC,
-- and the sync revokes PUBLIC's USAGE first: the synced role loses the
-- schema it owns, and with it the grants it made there.
CREATE SCHEMA regress_pgsr_rm_p AUTHORIZATION regress_pgsr_rm_u;
CREATE TABLE regress_pgsr_rm_p.t3 (x int);
ALTER TABLE regress_pgsr_rm_p.t3 OWNER TO regress_pgsr_rm_owner;
SET ROLE regress_pgsr_rm_u;
GRANT USAGE ON SCHEMA regress_pgsr_rm_p TO PUBLIC;
RESET ROLE;
SELECT has_schema_privilege('regress_pgsr_rm_owner', 'regress_pgsr_rm_p', 'USAGE') AS owner_usage;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_rm_u', '[
    {"type": "table_select", "schema": "regress_pgsr_rm_s", "table": "t", "direct": true},
    {"type": "schema_ownership", "schema": "regress_pgsr_rm_given"},
    {"type": "table_select", "schema": "regress_pgsr_rm_p", "table": "t3"}
]') ORDER BY step;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_rm_u', '[
    {"type": "table_select", "schema": "regress_pgsr_rm_s", "table": "t", "direct": true},
    {"type": "schema_ownership", "schema": "regress_pgsr_rm_given"},
    {"type": "table_select", "schema": "regress_pgsr_rm_p", "table": "t3"}
]');
\c - :su
SELECT has_table_privilege('regress_pgsr_rm_u', 'regress_pgsr_rm_p.t3', 'SELECT') AS u_select,
       (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'regress_pgsr_rm_p')
           LIKE '\_pgsr\_owner\_%' AS taken,
       has_schema_privilege('regress_pgsr_rm_owner', 'regress_pgsr_rm_p', 'USAGE') AS owner_usage,
       (SELECT roles FROM regress_pgsr_rm_caller_roles) AS caller_member_of;

SET client_min_messages = warning;
DROP VIEW regress_pgsr_rm_caller_roles;
DROP SCHEMA regress_pgsr_rm_s, regress_pgsr_rm_given, regress_pgsr_rm_p CASCADE;
SELECT regress.drop_roles('regress\_pgsr\_rm\_%');
DO $$
DECLARE r text;
BEGIN
    FOR r IN SELECT rolname FROM pg_roles
              WHERE shobj_description(oid, 'pg_authid') LIKE '%"regress\_pgsr\_rm\_%' LOOP
        EXECUTE format('DROP ROLE %I', r);
    END LOOP;
END $$;
