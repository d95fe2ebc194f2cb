-- schema_create: CREATE on a schema, through one intermediate role per
-- schema that every role shares, or ("direct": true) granted to the role
-- itself.  Checked by what the role can actually do: create a table in the
-- schema (rolled back, so that the role owns nothing afterwards).
\set su :USER
CREATE ROLE regress_pgsr_sc_other;
CALL regress.manage('regress_pgsr_sc_other');
CREATE SCHEMA regress_pgsr_sc_theirs AUTHORIZATION regress_pgsr_sc_other;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT oid AS db_oid FROM pg_database WHERE datname = current_database() \gset

CREATE SCHEMA regress_pgsr_sc_s;
CREATE SCHEMA regress_pgsr_sc_s2;

-- Without CREATE the role cannot create a table.
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[]');
\c - :su
SET ROLE regress_pgsr_sc_a;
CREATE TABLE regress_pgsr_sc_s.t (x int);
\c - regress_pgsr_admin

-- Indirect (the default): an intermediate role holds CREATE, the role is
-- made its member, and can create a table (which it then owns).  CREATE
-- does not bring USAGE.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[{"type": "schema_create", "schema": "regress_pgsr_sc_s"}]');
SELECT * FROM regress.schema_acl('regress_pgsr_sc_s');
SELECT regress.member_of('regress_pgsr_sc_a') AS member_of;
SELECT rolname ~ ('^_pgsr_local_' || :db_oid || '_schema_create_[0-9a-f]{8}$') AS well_named,
       rolcanlogin
  FROM pg_roles WHERE pg_has_role('regress_pgsr_sc_a', oid, 'MEMBER') AND rolname LIKE '\_pgsr\_%';
SELECT has_schema_privilege('regress_pgsr_sc_a', 'regress_pgsr_sc_s', 'CREATE') AS "create",
       has_schema_privilege('regress_pgsr_sc_a', 'regress_pgsr_sc_s', 'USAGE') AS usage;
\c - :su
BEGIN;
SET ROLE regress_pgsr_sc_a;
CREATE TABLE regress_pgsr_sc_s.t (x int);
SELECT tableowner FROM pg_tables WHERE schemaname = 'regress_pgsr_sc_s';
ROLLBACK;
\c - regress_pgsr_admin

-- A second role reuses the same intermediate role: no role is created but
-- itself, and the schema's ACL does not grow.
SELECT count(*) AS roles FROM pg_roles \gset before_
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_b', '[{"type": "schema_create", "schema": "regress_pgsr_sc_s"}]');
SELECT count(*) - :before_roles AS roles_added FROM pg_roles;
SELECT (SELECT array_agg(roleid) FROM pg_auth_members WHERE member = 'regress_pgsr_sc_a'::regrole) =
       (SELECT array_agg(roleid) FROM pg_auth_members WHERE member = 'regress_pgsr_sc_b'::regrole) AS same_role;
SELECT * FROM regress.schema_acl('regress_pgsr_sc_s');
\c - :su
BEGIN;
SET ROLE regress_pgsr_sc_b;
CREATE TABLE regress_pgsr_sc_s.t (x int);
ROLLBACK;
\c - regress_pgsr_admin

-- Nothing to do the second time.
SELECT count(*) AS changes
  FROM pg_sync_roles.sync('regress_pgsr_sc_b', '[{"type": "schema_create", "schema": "regress_pgsr_sc_s"}]');

-- Direct: CREATE granted on the schema to the role itself; the membership
-- that is no longer declared goes.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[{"type": "schema_create", "schema": "regress_pgsr_sc_s", "direct": true}]');
SELECT * FROM regress.schema_acl('regress_pgsr_sc_s');
SELECT regress.member_of('regress_pgsr_sc_a') AS member_of;
\c - :su
BEGIN;
SET ROLE regress_pgsr_sc_a;
CREATE TABLE regress_pgsr_sc_s.t (x int);
ROLLBACK;
\c - regress_pgsr_admin
SELECT count(*) AS changes
  FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[{"type": "schema_create", "schema": "regress_pgsr_sc_s", "direct": true}]');

-- Back to indirect, and once more to direct: each state in one call.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[{"type": "schema_create", "schema": "regress_pgsr_sc_s", "direct": false}]');
SELECT * FROM regress.schema_acl('regress_pgsr_sc_s');
SELECT count(*) AS changes
  FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[{"type": "schema_create", "schema": "regress_pgsr_sc_s"}]');
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[{"type": "schema_create", "schema": "regress_pgsr_sc_s", "direct": true}]');
SELECT * FROM regress.schema_acl('regress_pgsr_sc_s');

-- USAGE and CREATE, both direct, are granted in one statement; dropping
-- CREATE from the document leaves USAGE.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_c', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sc_s", "direct": true},
    {"type": "schema_create", "schema": "regress_pgsr_sc_s", "direct": true}]');
\c - :su
BEGIN;
SET ROLE regress_pgsr_sc_c;
CREATE TABLE regress_pgsr_sc_s.t (x int);
SELECT count(*) FROM regress_pgsr_sc_s.t;
ROLLBACK;
\c - regress_pgsr_admin
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_c', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sc_s", "direct": true}]');
SELECT has_schema_privilege('regress_pgsr_sc_c', 'regress_pgsr_sc_s', 'CREATE') AS "create",
       has_schema_privilege('regress_pgsr_sc_c', 'regress_pgsr_sc_s', 'USAGE') AS usage;
\c - :su
SET ROLE regress_pgsr_sc_c;
CREATE TABLE regress_pgsr_sc_s.t (x int);
\c - regress_pgsr_admin

-- Removing the grant from the document removes the access, in either mode,
-- and only that role's.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[]');
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_b', '[]');
SELECT * FROM regress.schema_acl('regress_pgsr_sc_s');
SELECT has_schema_privilege('regress_pgsr_sc_a', 'regress_pgsr_sc_s', 'CREATE') AS a_create,
       has_schema_privilege('regress_pgsr_sc_b', 'regress_pgsr_sc_s', 'CREATE') AS b_create;
\c - :su
SET ROLE regress_pgsr_sc_a;
CREATE TABLE regress_pgsr_sc_s.t (x int);
SET ROLE regress_pgsr_sc_b;
CREATE TABLE regress_pgsr_sc_s.t (x int);
\c - regress_pgsr_admin

-- A schema that does not exist is skipped with a NOTICE; the rest of the
-- document is applied.
SET client_min_messages = notice;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[
    {"type": "schema_create", "schema": "regress_pgsr_sc_missing", "direct": true},
    {"type": "schema_create", "schema": "regress_pgsr_sc_s"}]');
SET client_min_messages = warning;
\c - :su
BEGIN;
SET ROLE regress_pgsr_sc_a;
CREATE TABLE regress_pgsr_sc_s.t (x int);
ROLLBACK;
\c - regress_pgsr_admin

-- Privileges granted by hand and not declared are revoked: USAGE, CREATE
-- given directly where only the indirect one is declared, and CREATE on a
-- schema the document does not name at all.
GRANT USAGE, CREATE ON SCHEMA regress_pgsr_sc_s TO regress_pgsr_sc_a;
GRANT CREATE ON SCHEMA regress_pgsr_sc_s2 TO regress_pgsr_sc_a;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[{"type": "schema_create", "schema": "regress_pgsr_sc_s"}]');
SELECT * FROM regress.schema_acl('regress_pgsr_sc_s');
SELECT * FROM regress.schema_acl('regress_pgsr_sc_s2');
\c - :su
BEGIN;
SET ROLE regress_pgsr_sc_a;
CREATE TABLE regress_pgsr_sc_s.t (x int);
ROLLBACK;
SET ROLE regress_pgsr_sc_a;
CREATE TABLE regress_pgsr_sc_s2.t (x int);
\c - regress_pgsr_admin

-- PUBLIC's privileges are never revoked: a role that had CREATE on a
-- schema where PUBLIC has it too can still create after losing its own.
CREATE SCHEMA regress_pgsr_sc_pub;
GRANT CREATE ON SCHEMA regress_pgsr_sc_pub TO PUBLIC;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[{"type": "schema_create", "schema": "regress_pgsr_sc_pub", "direct": true}]');
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[]');
SELECT * FROM regress.schema_acl('regress_pgsr_sc_pub');
\c - :su
BEGIN;
SET ROLE regress_pgsr_sc_a;
CREATE TABLE regress_pgsr_sc_pub.t (x int);
ROLLBACK;
\c - regress_pgsr_admin

-- A schema owned by another (non-superuser) role: the caller holds the
-- owner's rights for the call only, in both modes.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_a', '[{"type": "schema_create", "schema": "regress_pgsr_sc_theirs"}]');
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_b', '[{"type": "schema_create", "schema": "regress_pgsr_sc_theirs", "direct": true}]');
SELECT * FROM regress.schema_acl('regress_pgsr_sc_theirs');
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;
\c - :su
BEGIN;
SET ROLE regress_pgsr_sc_a;
CREATE TABLE regress_pgsr_sc_theirs.t (x int);
SET ROLE regress_pgsr_sc_b;
CREATE TABLE regress_pgsr_sc_theirs.u (x int);
ROLLBACK;
\c - regress_pgsr_admin

-- A table the role creates is owned by it; table ownership is managed
-- too, so the next sync takes it away (to the role's recipient, never to
-- the caller), even with schema_create unchanged.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_c', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sc_s", "direct": true},
    {"type": "schema_create", "schema": "regress_pgsr_sc_s", "direct": true}]');
\c - :su
SET ROLE regress_pgsr_sc_c;
CREATE TABLE regress_pgsr_sc_s.by_c (x int);
\c - regress_pgsr_admin
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_sc_c', '[
    {"type": "schema_usage", "schema": "regress_pgsr_sc_s", "direct": true},
    {"type": "schema_create", "schema": "regress_pgsr_sc_s", "direct": true}]');
SELECT tablename, regress.stable(tableowner) AS tableowner FROM pg_tables WHERE schemaname = 'regress_pgsr_sc_s' ORDER BY 1;

-- The same in a schema owned by another role: ALTER TABLE ... OWNER TO the
-- caller needs the caller to have CREATE on that schema, which it has
-- through the owner's rights, held for the call only.
\c - :su
SET ROLE regress_pgsr_sc_a;
CREATE TABLE regress_pgsr_sc_theirs.by_a (x int);
\c - regress_pgsr_admin
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_sc_a',
    '[{"type": "schema_create", "schema": "regress_pgsr_sc_theirs"}]')$$);
SELECT tablename, regress.stable(tableowner) AS tableowner FROM pg_tables WHERE schemaname = 'regress_pgsr_sc_theirs' ORDER BY 1;
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;

\c - :su
SET client_min_messages = warning;
DROP SCHEMA regress_pgsr_sc_s, regress_pgsr_sc_s2, regress_pgsr_sc_pub, regress_pgsr_sc_theirs CASCADE;
SELECT regress.drop_roles('regress\_pgsr\_sc\_%');
SELECT regress.drop_roles('\_pgsr\_%');
