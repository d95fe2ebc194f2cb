-- schema_usage: USAGE on a schema, through one intermediate role per schema
-- that every role shares, or ("direct": true) granted to the role itself.
-- Checked by what the role can actually do: read a table in the schema.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT oid AS db_oid FROM pg_database WHERE datname = current_database() \gset

-- The tables are readable by PUBLIC: only the schema's USAGE decides.
CREATE SCHEMA regress_pgsr_su_s;
CREATE TABLE regress_pgsr_su_s.t (x int);
INSERT INTO regress_pgsr_su_s.t VALUES (1);
GRANT SELECT ON regress_pgsr_su_s.t TO PUBLIC;
CREATE SCHEMA regress_pgsr_su_s2;
CREATE TABLE regress_pgsr_su_s2.t (x int);
INSERT INTO regress_pgsr_su_s2.t VALUES (2);
GRANT SELECT ON regress_pgsr_su_s2.t TO PUBLIC;

-- Without USAGE the role cannot read the table.
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_su_a', '[]');
\c - :su
SET ROLE regress_pgsr_su_a;
SELECT x FROM regress_pgsr_su_s.t;
\c - regress_pgsr_admin

-- Indirect (the default): an intermediate role holds USAGE, the role is
-- made its member, and can read.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[{"type": "schema_usage", "schema": "regress_pgsr_su_s"}]');
SELECT * FROM regress.schema_acl('regress_pgsr_su_s');
SELECT regress.member_of('regress_pgsr_su_a') AS member_of;
-- The intermediate role's name: this database's oid and 8 hex digits.
SELECT rolname ~ ('^_pgsr_local_' || :db_oid || '_schema_usage_[0-9a-f]{8}$') AS well_named,
       rolcanlogin
  FROM pg_roles WHERE pg_has_role('regress_pgsr_su_a', oid, 'MEMBER') AND rolname LIKE '\_pgsr\_%';
SELECT has_schema_privilege('regress_pgsr_su_a', 'regress_pgsr_su_s', 'USAGE') AS usage,
       has_schema_privilege('regress_pgsr_su_a', 'regress_pgsr_su_s', 'CREATE') AS "create";
\c - :su
SET ROLE regress_pgsr_su_a;
SELECT x FROM regress_pgsr_su_s.t;
\c - regress_pgsr_admin

-- A second role reuses the same intermediate role: no role is created but
-- itself, and the schema's ACL does not grow.
SELECT count(*) AS roles FROM pg_roles \gset before_
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_b', '[{"type": "schema_usage", "schema": "regress_pgsr_su_s"}]');
SELECT count(*) - :before_roles AS roles_added FROM pg_roles;
SELECT (SELECT array_agg(roleid) FROM pg_auth_members WHERE member = 'regress_pgsr_su_a'::regrole) =
       (SELECT array_agg(roleid) FROM pg_auth_members WHERE member = 'regress_pgsr_su_b'::regrole) AS same_role;
SELECT * FROM regress.schema_acl('regress_pgsr_su_s');
\c - :su
SET ROLE regress_pgsr_su_b;
SELECT x FROM regress_pgsr_su_s.t;
\c - regress_pgsr_admin

-- Nothing to do the second time.
SELECT count(*) AS changes
  FROM pg_sync_roles.sync('regress_pgsr_su_b', '[{"type": "schema_usage", "schema": "regress_pgsr_su_s"}]');

-- Direct: USAGE granted on the schema to the role itself; the membership
-- that is no longer declared goes.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[{"type": "schema_usage", "schema": "regress_pgsr_su_s", "direct": true}]');
SELECT * FROM regress.schema_acl('regress_pgsr_su_s');
SELECT regress.member_of('regress_pgsr_su_a') AS member_of;
\c - :su
SET ROLE regress_pgsr_su_a;
SELECT x FROM regress_pgsr_su_s.t;
\c - regress_pgsr_admin
SELECT count(*) AS changes
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[{"type": "schema_usage", "schema": "regress_pgsr_su_s", "direct": true}]');

-- Back to indirect: the direct grant is revoked, the membership given
-- again; and once more to direct.  Each state is reached in one call.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[{"type": "schema_usage", "schema": "regress_pgsr_su_s", "direct": false}]');
SELECT * FROM regress.schema_acl('regress_pgsr_su_s');
SELECT count(*) AS changes
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[{"type": "schema_usage", "schema": "regress_pgsr_su_s"}]');
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[{"type": "schema_usage", "schema": "regress_pgsr_su_s", "direct": true}]');
SELECT * FROM regress.schema_acl('regress_pgsr_su_s');

-- Removing the grant from the document removes the access, in either mode,
-- and only that role's.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[]');
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_b', '[]');
SELECT * FROM regress.schema_acl('regress_pgsr_su_s');
SELECT has_schema_privilege('regress_pgsr_su_a', 'regress_pgsr_su_s', 'USAGE') AS a_usage,
       has_schema_privilege('regress_pgsr_su_b', 'regress_pgsr_su_s', 'USAGE') AS b_usage;
\c - :su
SET ROLE regress_pgsr_su_a;
SELECT x FROM regress_pgsr_su_s.t;
SET ROLE regress_pgsr_su_b;
SELECT x FROM regress_pgsr_su_s.t;
\c - regress_pgsr_admin

-- A schema that does not exist is skipped with a NOTICE; the rest of the
-- document is applied.
SET client_min_messages = notice;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[
    {"type": "schema_usage", "schema": "regress_pgsr_su_missing"},
    {"type": "schema_usage", "schema": "regress_pgsr_su_s"},
    {"type": "schema_usage", "schema": "regress_pgsr_su_s2", "direct": true}]');
SET client_min_messages = warning;
\c - :su
SET ROLE regress_pgsr_su_a;
SELECT x FROM regress_pgsr_su_s.t;
SELECT x FROM regress_pgsr_su_s2.t;
\c - regress_pgsr_admin

-- Privileges granted by hand and not declared are revoked: CREATE, USAGE
-- given directly where only the indirect one is declared, and USAGE on a
-- schema the document does not name at all.
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_su_a', '[
    {"type": "schema_usage", "schema": "regress_pgsr_su_s"}]');
GRANT USAGE, CREATE ON SCHEMA regress_pgsr_su_s TO regress_pgsr_su_a;
GRANT USAGE ON SCHEMA regress_pgsr_su_s2 TO regress_pgsr_su_a;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[{"type": "schema_usage", "schema": "regress_pgsr_su_s"}]');
SELECT * FROM regress.schema_acl('regress_pgsr_su_s');
SELECT * FROM regress.schema_acl('regress_pgsr_su_s2');
\c - :su
SET ROLE regress_pgsr_su_a;
SELECT x FROM regress_pgsr_su_s.t;
CREATE TABLE regress_pgsr_su_s.by_a (x int);
SELECT x FROM regress_pgsr_su_s2.t;
RESET ROLE;

-- The same for a grant made by another grantor (one that holds the
-- privilege WITH GRANT OPTION): it is revoked as that grantor, whose
-- rights the caller holds only for the call.
CREATE ROLE regress_pgsr_su_delegate;
CALL regress.manage('regress_pgsr_su_delegate');
GRANT USAGE ON SCHEMA regress_pgsr_su_s2 TO regress_pgsr_su_delegate WITH GRANT OPTION;
SET ROLE regress_pgsr_su_delegate;
GRANT USAGE ON SCHEMA regress_pgsr_su_s2 TO regress_pgsr_su_a;
\c - regress_pgsr_admin
SELECT has_schema_privilege('regress_pgsr_su_a', 'regress_pgsr_su_s2', 'USAGE') AS usage_before;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[{"type": "schema_usage", "schema": "regress_pgsr_su_s"}]');
SELECT has_schema_privilege('regress_pgsr_su_a', 'regress_pgsr_su_s2', 'USAGE') AS usage_after;
SELECT * FROM regress.schema_acl('regress_pgsr_su_s2');
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;
SELECT current_user, session_user;

-- USAGE declared is USAGE only: a grant option given by hand goes, so that
-- the role cannot pass the privilege on.
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_su_c', '[]');
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_su_d', '[]');
GRANT USAGE ON SCHEMA regress_pgsr_su_s2 TO regress_pgsr_su_c WITH GRANT OPTION;
SELECT count(*) > 0 AS changed
  FROM pg_sync_roles.sync('regress_pgsr_su_c', '[{"type": "schema_usage", "schema": "regress_pgsr_su_s2", "direct": true}]');
SELECT has_schema_privilege('regress_pgsr_su_c', 'regress_pgsr_su_s2', 'USAGE') AS usage,
       has_schema_privilege('regress_pgsr_su_c', 'regress_pgsr_su_s2', 'USAGE WITH GRANT OPTION') AS grant_option;

-- A privilege the role has passed on with its grant option is still
-- revoked when no longer declared (the call does not fail on the dependent
-- grant).
GRANT USAGE ON SCHEMA regress_pgsr_su_s2 TO regress_pgsr_su_c WITH GRANT OPTION;
\c - :su
SET ROLE regress_pgsr_su_c;
GRANT USAGE ON SCHEMA regress_pgsr_su_s2 TO regress_pgsr_su_d;
\c - regress_pgsr_admin
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_su_c', '[]')$$);
SELECT has_schema_privilege('regress_pgsr_su_c', 'regress_pgsr_su_s2', 'USAGE') AS usage;
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_su_d', '[]')$$);
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_su_c', '[]');
SELECT * FROM regress.schema_acl('regress_pgsr_su_s2');

-- PUBLIC's privileges are never revoked, whether the document names the
-- schema or not.
CREATE SCHEMA regress_pgsr_su_pub;
CREATE TABLE regress_pgsr_su_pub.t (x int);
INSERT INTO regress_pgsr_su_pub.t VALUES (3);
GRANT SELECT ON regress_pgsr_su_pub.t TO PUBLIC;
GRANT USAGE ON SCHEMA regress_pgsr_su_pub TO PUBLIC;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[{"type": "schema_usage", "schema": "regress_pgsr_su_pub", "direct": true}]');
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[]');
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_b', '[{"type": "schema_usage", "schema": "regress_pgsr_su_pub"}]');
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_b', '[]');
SELECT * FROM regress.schema_acl('regress_pgsr_su_pub');
\c - :su
SET ROLE regress_pgsr_su_a;
SELECT x FROM regress_pgsr_su_pub.t;
\c - regress_pgsr_admin

-- preserve_existing_grants_in_schemas leaves alone the objects inside the
-- schemas it lists, not the schemas' own privileges.
GRANT USAGE ON SCHEMA regress_pgsr_su_s2 TO regress_pgsr_su_a;
GRANT INSERT ON regress_pgsr_su_s2.t TO regress_pgsr_su_a;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_a', '[]', '{regress_pgsr_su_s2}');
SELECT has_schema_privilege('regress_pgsr_su_a', 'regress_pgsr_su_s2', 'USAGE') AS usage,
       has_table_privilege('regress_pgsr_su_a', 'regress_pgsr_su_s2.t', 'INSERT') AS table_insert;
REVOKE INSERT ON regress_pgsr_su_s2.t FROM regress_pgsr_su_a;

-- USAGE through a role the user is a member of: a small hierarchy built
-- from several calls.  The group reads a table of its own schema
-- (schema_usage and table_select), a team is a member of the group, and
-- the user a member of the team.
CREATE SCHEMA regress_pgsr_su_h;
CREATE TABLE regress_pgsr_su_h.t (x int);
INSERT INTO regress_pgsr_su_h.t VALUES (4);
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_group', '[
    {"type": "schema_usage", "schema": "regress_pgsr_su_h"},
    {"type": "table_select", "schema": "regress_pgsr_su_h", "table": "t"}]');
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_team', '[{"type": "role_membership", "role": "regress_pgsr_su_group"}]');
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_user', '[{"type": "role_membership", "role": "regress_pgsr_su_team"}]');
SELECT has_schema_privilege('regress_pgsr_su_user', 'regress_pgsr_su_h', 'USAGE') AS usage;
\c - :su
SET ROLE regress_pgsr_su_user;
SELECT x FROM regress_pgsr_su_h.t;
\c - regress_pgsr_admin

-- The group loses USAGE: so does everyone below it.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_group', '[
    {"type": "table_select", "schema": "regress_pgsr_su_h", "table": "t"}]');
SELECT has_schema_privilege('regress_pgsr_su_user', 'regress_pgsr_su_h', 'USAGE') AS usage;
\c - :su
SET ROLE regress_pgsr_su_user;
SELECT x FROM regress_pgsr_su_h.t;
\c - regress_pgsr_admin

-- The user given USAGE itself, but not SELECT, still reads through the
-- group's SELECT.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_su_user', '[
    {"type": "role_membership", "role": "regress_pgsr_su_team"},
    {"type": "schema_usage", "schema": "regress_pgsr_su_h", "direct": true}]');
\c - :su
SET ROLE regress_pgsr_su_user;
SELECT x FROM regress_pgsr_su_h.t;
\c - regress_pgsr_admin

DROP SCHEMA regress_pgsr_su_s, regress_pgsr_su_s2, regress_pgsr_su_pub, regress_pgsr_su_h CASCADE;
\c - :su
SELECT regress.drop_roles('regress\_pgsr\_su\_%');
SELECT regress.drop_roles('\_pgsr\_%');
