-- schema_ownership: the role owns the schema (created if missing); a schema
-- it owns and no longer declares goes back to the calling user.  Checked by
-- what the role can actually do: create a table in the schema.
\set su :USER
CREATE ROLE regress_pgsr_so_other;
CALL regress.manage('regress_pgsr_so_other');
CREATE SCHEMA regress_pgsr_so_theirs AUTHORIZATION regress_pgsr_so_other;
CREATE SCHEMA regress_pgsr_so_super;
\c - regress_pgsr_admin
SET client_min_messages = warning;

-- The owners of this test's schemas (the superuser's shown as such).
CREATE FUNCTION regress_pgsr_so_owners() RETURNS TABLE (schema name, owner text) LANGUAGE sql AS $$
    SELECT nspname, CASE WHEN rolsuper THEN '(superuser)' ELSE regress.stable(rolname::text) END
      FROM pg_namespace JOIN pg_roles ON pg_roles.oid = nspowner
     WHERE nspname LIKE 'regress\_pgsr\_so\_%'
     ORDER BY 1
$$;

-- A missing schema is created, owned by the role.  The caller needs the
-- role's rights for CREATE SCHEMA ... AUTHORIZATION: it holds them for the
-- call only.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_so_a', '[{"type": "schema_ownership", "schema": "regress_pgsr_so_new"}]');
SELECT * FROM regress_pgsr_so_owners();
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;
\c - :su
BEGIN;
SET ROLE regress_pgsr_so_a;
CREATE TABLE regress_pgsr_so_new.t (x int);
INSERT INTO regress_pgsr_so_new.t VALUES (1);
SELECT x FROM regress_pgsr_so_new.t;
ROLLBACK;
\c - regress_pgsr_admin

-- Nothing to do the second time.
SELECT count(*) AS changes
  FROM pg_sync_roles.sync('regress_pgsr_so_a', '[{"type": "schema_ownership", "schema": "regress_pgsr_so_new"}]');

-- Names are exact: case and spaces are kept, and quoted.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_so_a', '[
    {"type": "schema_ownership", "schema": "regress_pgsr_so_new"},
    {"type": "schema_ownership", "schema": "regress_pgsr_so_Mixed Case"}]');
SELECT * FROM regress_pgsr_so_owners();

-- An existing schema owned by the caller is transferred.  Another role
-- reading it through an intermediate role keeps reading, with nothing to
-- change.
CREATE SCHEMA regress_pgsr_so_mine;
CREATE TABLE regress_pgsr_so_mine.t (x int);
INSERT INTO regress_pgsr_so_mine.t VALUES (2);
GRANT SELECT ON regress_pgsr_so_mine.t TO PUBLIC;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_so_reader', '[{"type": "schema_usage", "schema": "regress_pgsr_so_mine"}]');
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_so_a', '[
    {"type": "schema_ownership", "schema": "regress_pgsr_so_new"},
    {"type": "schema_ownership", "schema": "regress_pgsr_so_Mixed Case"},
    {"type": "schema_ownership", "schema": "regress_pgsr_so_mine"}]');
SELECT * FROM regress_pgsr_so_owners();
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;
SELECT count(*) AS changes
  FROM pg_sync_roles.sync('regress_pgsr_so_reader', '[{"type": "schema_usage", "schema": "regress_pgsr_so_mine"}]');
\c - :su
BEGIN;
SET ROLE regress_pgsr_so_a;
CREATE TABLE regress_pgsr_so_mine.by_a (x int);
ROLLBACK;
SET ROLE regress_pgsr_so_reader;
SELECT x FROM regress_pgsr_so_mine.t;
\c - regress_pgsr_admin

-- No longer declared: the schema goes back to the calling user.  The role
-- keeps only what the document still gives it (USAGE, directly): it reads,
-- but cannot create there any more.  The reader is not disturbed.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_so_a', '[
    {"type": "schema_ownership", "schema": "regress_pgsr_so_new"},
    {"type": "schema_ownership", "schema": "regress_pgsr_so_Mixed Case"},
    {"type": "schema_usage", "schema": "regress_pgsr_so_mine", "direct": true}]');
SELECT * FROM regress_pgsr_so_owners();
SELECT has_schema_privilege('regress_pgsr_so_a', 'regress_pgsr_so_mine', 'CREATE') AS "create",
       has_schema_privilege('regress_pgsr_so_a', 'regress_pgsr_so_mine', 'USAGE') AS usage;
SELECT count(*) AS changes
  FROM pg_sync_roles.sync('regress_pgsr_so_reader', '[{"type": "schema_usage", "schema": "regress_pgsr_so_mine"}]');
\c - :su
SET ROLE regress_pgsr_so_a;
SELECT x FROM regress_pgsr_so_mine.t;
CREATE TABLE regress_pgsr_so_mine.by_a (x int);
SET ROLE regress_pgsr_so_reader;
SELECT x FROM regress_pgsr_so_mine.t;
\c - regress_pgsr_admin

-- And with nothing declared on it, the role cannot even read there.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_so_a', '[
    {"type": "schema_ownership", "schema": "regress_pgsr_so_new"},
    {"type": "schema_ownership", "schema": "regress_pgsr_so_Mixed Case"}]');
\c - :su
SET ROLE regress_pgsr_so_a;
SELECT x FROM regress_pgsr_so_mine.t;
\c - regress_pgsr_admin

-- A schema owned by another non-superuser role: the caller is granted the
-- owner role (and the new owner) for the call only.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_so_a', '[
    {"type": "schema_ownership", "schema": "regress_pgsr_so_new"},
    {"type": "schema_ownership", "schema": "regress_pgsr_so_Mixed Case"},
    {"type": "schema_ownership", "schema": "regress_pgsr_so_theirs"}]');
SELECT * FROM regress_pgsr_so_owners();
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;
SELECT regress.caller_in('regress_pgsr_so_other') AS caller_in_other,
       regress.caller_in('regress_pgsr_so_a') AS caller_in_a;
\c - :su
BEGIN;
SET ROLE regress_pgsr_so_a;
CREATE TABLE regress_pgsr_so_theirs.by_a (x int);
ROLLBACK;
\c - regress_pgsr_admin

-- Given back, it goes to the calling user, not to its former owner.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_so_a', '[
    {"type": "schema_ownership", "schema": "regress_pgsr_so_new"},
    {"type": "schema_ownership", "schema": "regress_pgsr_so_Mixed Case"}]');
SELECT * FROM regress_pgsr_so_owners();

-- A schema owned by a superuser cannot be taken: the caller could not do
-- it by hand.  The call fails and changes nothing (not even the new role).
SELECT count(*) AS roles FROM pg_roles \gset before_
SELECT replace(regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_so_b',
    '[{"type": "schema_ownership", "schema": "regress_pgsr_so_new2"},
      {"type": "schema_ownership", "schema": "regress_pgsr_so_super"}]')$$), :'su', '(superuser)') AS error;
SELECT count(*) - :before_roles AS roles_added FROM pg_roles;
SELECT * FROM regress_pgsr_so_owners();

-- A table inside a schema whose ownership is taken away keeps its own
-- owner: the role's own table (still declared with table_ownership), and
-- another role's.
\c - :su
SET ROLE regress_pgsr_so_a;
CREATE TABLE regress_pgsr_so_new.by_a (x int);
RESET ROLE;
CREATE TABLE regress_pgsr_so_new.by_other (x int);
ALTER TABLE regress_pgsr_so_new.by_other OWNER TO regress_pgsr_so_other;
\c - regress_pgsr_admin
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_so_a', '[
    {"type": "schema_ownership", "schema": "regress_pgsr_so_Mixed Case"},
    {"type": "table_ownership", "schema": "regress_pgsr_so_new", "table": "by_a"}]');
SELECT * FROM regress_pgsr_so_owners();
SELECT tablename, regress.stable(tableowner) AS tableowner FROM pg_tables WHERE schemaname = 'regress_pgsr_so_new' ORDER BY 1;
\c - :su
SET ROLE regress_pgsr_so_a;
CREATE TABLE regress_pgsr_so_new.t (x int);
\c - regress_pgsr_admin

-- Nothing declared: everything it owned goes to its recipient (a role with
-- no rights of its own), never to the caller.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_so_a', '[]');
SELECT * FROM regress_pgsr_so_owners();
SELECT tablename, regress.stable(tableowner) AS tableowner FROM pg_tables WHERE schemaname = 'regress_pgsr_so_new' ORDER BY 1;
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;

\c - :su
SET client_min_messages = warning;
DROP SCHEMA regress_pgsr_so_new, "regress_pgsr_so_Mixed Case", regress_pgsr_so_mine,
    regress_pgsr_so_theirs, regress_pgsr_so_super CASCADE;
DROP FUNCTION regress_pgsr_so_owners();
SELECT regress.drop_roles('regress\_pgsr\_so\_%');
SELECT regress.drop_roles('\_pgsr\_%');
