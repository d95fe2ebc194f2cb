-- table_ownership: the role owns the declared tables (and views, materialized
-- views, sequences); what it owns and no longer declares goes back to the
-- caller.  Making a role an owner needs CREATE on the schema for it: sync
-- grants it for the change and takes it back unless schema_create is
-- declared.  What a role can do is checked by doing it, as that role.
\set su :USER

-- Helpers (dropped at the end).
-- The owners of a schema's relations.
CREATE FUNCTION regress.to_owners(s text) RETURNS TABLE (relname name, relkind "char", owner text)
LANGUAGE sql AS $$
    SELECT c.relname, c.relkind, regress.stable(pg_get_userbyid(c.relowner)::text) FROM pg_class c
     WHERE c.relnamespace = s::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
     ORDER BY c.relname COLLATE "C"
$$;
-- The ACL of a relation, one entry a row, intermediate roles masked.
CREATE FUNCTION regress.to_acl(rel regclass) RETURNS SETOF text LANGUAGE sql AS $$
    SELECT e FROM pg_class, unnest(relacl) AS a,
           -- without MAINTAIN (m), which PostgreSQL 17 added
           regress.stable(regexp_replace(a::text, 'm(\*?)/', '/')) AS e
     WHERE oid = rel ORDER BY e COLLATE "C"
$$;
CREATE ROLE regress_pgsr_to_super SUPERUSER;

\c - regress_pgsr_admin
SET client_min_messages = notice;
CREATE SCHEMA regress_pgsr_to;
CREATE TABLE regress_pgsr_to.hanks (x int);
INSERT INTO regress_pgsr_to.hanks VALUES (1);
CREATE TABLE regress_pgsr_to.ivys (x int);
CREATE TABLE regress_pgsr_to.jacks (x int);
CREATE TABLE regress_pgsr_to.with_serial (id serial, x int);
CREATE TABLE regress_pgsr_to.with_identity (id int GENERATED ALWAYS AS IDENTITY, x int);
CREATE VIEW regress_pgsr_to.a_view AS SELECT 1 AS x;
CREATE MATERIALIZED VIEW regress_pgsr_to.a_matview AS SELECT 2 AS x;
CREATE SEQUENCE regress_pgsr_to.a_sequence;

-- The role gets the table: sync grants it CREATE on the schema for the
-- change (and the caller the new owner's rights), and takes both back.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_hank', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "hanks"}
]') ORDER BY step;
SELECT * FROM regress.to_owners('regress_pgsr_to') WHERE relname = 'hanks';
SELECT has_schema_privilege('regress_pgsr_to_hank', 'regress_pgsr_to', 'CREATE') AS can_create;
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;
-- As the owner it can do anything with the table, but create nothing in
-- the schema.
\c - :su
SET ROLE regress_pgsr_to_hank;
INSERT INTO regress_pgsr_to.hanks VALUES (2);
SELECT x FROM regress_pgsr_to.hanks ORDER BY x;
ALTER TABLE regress_pgsr_to.hanks ADD COLUMN y int;
CREATE TABLE regress_pgsr_to.hank_made (x int);
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
-- Nothing to do the second time.
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_to_hank', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "hanks"}
]');

-- No longer declared: the table goes to the role's recipient (not to the
-- caller), and the role has none of the access it had as its owner.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_hank', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to"}
]') ORDER BY step;
SELECT * FROM regress.to_owners('regress_pgsr_to') WHERE relname = 'hanks';
SELECT regress.to_acl('regress_pgsr_to.hanks') AS hanks_acl;
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;
\c - :su
SET ROLE regress_pgsr_to_hank;
SELECT x FROM regress_pgsr_to.hanks;
INSERT INTO regress_pgsr_to.hanks VALUES (3);
ALTER TABLE regress_pgsr_to.hanks DROP COLUMN y;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- schema_create declared (through its intermediate role): the direct CREATE
-- is still given for the change and taken back, and the role keeps CREATE
-- through the intermediate role.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_ivy', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to"},
    {"type": "schema_create", "schema": "regress_pgsr_to"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "ivys"}
]') ORDER BY step;
SELECT * FROM regress.to_owners('regress_pgsr_to') WHERE relname = 'ivys';
\c - :su
SET ROLE regress_pgsr_to_ivy;
SELECT x FROM regress_pgsr_to.ivys;
CREATE TABLE regress_pgsr_to.ivy_made (x int);
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
-- The table ivy made is hers, but not declared: the next sync gives it to
-- the caller (ivy keeps CREATE, the declared one).
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_ivy', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to"},
    {"type": "schema_create", "schema": "regress_pgsr_to"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "ivys"}
]') ORDER BY step;
SELECT * FROM regress.to_owners('regress_pgsr_to') WHERE relname LIKE 'ivy%';
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_to_ivy', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to"},
    {"type": "schema_create", "schema": "regress_pgsr_to"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "ivys"}
]');
-- Giving back ivys leaves CREATE as declared.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_ivy', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to"},
    {"type": "schema_create", "schema": "regress_pgsr_to"}
]') ORDER BY step;
\c - :su
SET ROLE regress_pgsr_to_ivy;
SELECT x FROM regress_pgsr_to.ivys;
CREATE TABLE regress_pgsr_to.ivy_made_too (x int);
DROP TABLE regress_pgsr_to.ivy_made_too;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- schema_create declared direct: the CREATE granted for the change stays.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_jack', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to", "direct": true},
    {"type": "schema_create", "schema": "regress_pgsr_to", "direct": true},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "jacks"}
]') ORDER BY step;
SELECT * FROM regress.to_owners('regress_pgsr_to') WHERE relname = 'jacks';
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_to_jack', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to", "direct": true},
    {"type": "schema_create", "schema": "regress_pgsr_to", "direct": true},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "jacks"}
]');
\c - :su
SET ROLE regress_pgsr_to_jack;
SELECT x FROM regress_pgsr_to.jacks;
CREATE TABLE regress_pgsr_to.jack_made (x int);
DROP TABLE regress_pgsr_to.jack_made;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
-- Dropping schema_create and the table together: the table goes back and
-- CREATE is revoked.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_jack', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to", "direct": true}
]') ORDER BY step;
\c - :su
SET ROLE regress_pgsr_to_jack;
SELECT x FROM regress_pgsr_to.jacks;
CREATE TABLE regress_pgsr_to.jack_made (x int);
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- schema_ownership of the table's schema: no CREATE needs granting.  Taken
-- away, schema and table go to the recipient.
CREATE SCHEMA regress_pgsr_to_kate;
CREATE TABLE regress_pgsr_to_kate.kates (x int);
INSERT INTO regress_pgsr_to_kate.kates VALUES (1);
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_kate', '[
    {"type": "schema_ownership", "schema": "regress_pgsr_to_kate"},
    {"type": "table_ownership", "schema": "regress_pgsr_to_kate", "table": "kates"}
]') ORDER BY step;
SELECT regress.stable(pg_get_userbyid(nspowner)::text) AS schema_owner FROM pg_namespace WHERE nspname = 'regress_pgsr_to_kate';
SELECT * FROM regress.to_owners('regress_pgsr_to_kate');
\c - :su
SET ROLE regress_pgsr_to_kate;
SELECT x FROM regress_pgsr_to_kate.kates;
CREATE TABLE regress_pgsr_to_kate.kate_made (x int);
DROP TABLE regress_pgsr_to_kate.kate_made;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_kate', '[]') ORDER BY step;
SELECT regress.stable(pg_get_userbyid(nspowner)::text) AS schema_owner FROM pg_namespace WHERE nspname = 'regress_pgsr_to_kate';
SELECT * FROM regress.to_owners('regress_pgsr_to_kate');
\c - :su
SET ROLE regress_pgsr_to_kate;
SELECT x FROM regress_pgsr_to_kate.kates;
CREATE TABLE regress_pgsr_to_kate.kate_made (x int);
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- A table with a serial and one with an identity column: their sequences
-- move with them.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_lena', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "with_serial"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "with_identity"}
]') ORDER BY step;
SELECT * FROM regress.to_owners('regress_pgsr_to') WHERE relname LIKE 'with\_%';
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_to_lena', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "with_serial"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "with_identity"}
]');
-- As their owner lena uses them, and gives a third role USAGE on the
-- serial's sequence and INSERT on its table.
CREATE ROLE regress_pgsr_to_third;
CALL regress.manage('regress_pgsr_to_third');
GRANT USAGE ON SCHEMA regress_pgsr_to TO regress_pgsr_to_third;
\c - :su
SET ROLE regress_pgsr_to_lena;
INSERT INTO regress_pgsr_to.with_serial (x) VALUES (1);
INSERT INTO regress_pgsr_to.with_identity (x) VALUES (1);
GRANT USAGE ON SEQUENCE regress_pgsr_to.with_serial_id_seq TO regress_pgsr_to_third;
GRANT INSERT ON regress_pgsr_to.with_serial TO regress_pgsr_to_third;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
-- Taken away: both tables and their sequences go to lena's recipient; what
-- lena granted on them (the third role's INSERT and USAGE) goes too, and
-- lena's own access is gone.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_lena', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to"}
]') ORDER BY step;
SELECT * FROM regress.to_owners('regress_pgsr_to') WHERE relname LIKE 'with\_%';
SELECT regress.to_acl('regress_pgsr_to.with_serial_id_seq') AS sequence_acl;
SELECT regress.to_acl('regress_pgsr_to.with_serial') AS table_acl;
\c - :su
SET ROLE regress_pgsr_to_third;
INSERT INTO regress_pgsr_to.with_serial (x) VALUES (2);
SELECT nextval('regress_pgsr_to.with_serial_id_seq');
RESET ROLE;
SET ROLE regress_pgsr_to_lena;
INSERT INTO regress_pgsr_to.with_serial (x) VALUES (3);
INSERT INTO regress_pgsr_to.with_identity (x) VALUES (3);
SELECT nextval('regress_pgsr_to.with_serial_id_seq');
RESET ROLE;
SELECT id, x FROM regress_pgsr_to.with_serial ORDER BY id;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- Views, materialized views and sequences of their own can be owned too.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_mia', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "a_view"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "a_matview"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "a_sequence"}
]') ORDER BY step;
SELECT * FROM regress.to_owners('regress_pgsr_to') WHERE relname LIKE 'a\_%';
\c - :su
SET ROLE regress_pgsr_to_mia;
SELECT x FROM regress_pgsr_to.a_view;
REFRESH MATERIALIZED VIEW regress_pgsr_to.a_matview;
SELECT nextval('regress_pgsr_to.a_sequence');
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
-- No longer declared: the view and the materialized view are taken away;
-- the sequence stays hers, as the Python library leaves a sequence.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_mia', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to"}
]') ORDER BY step;
SELECT * FROM regress.to_owners('regress_pgsr_to') WHERE relname LIKE 'a\_%';
\c - :su
SET ROLE regress_pgsr_to_mia;
SELECT x FROM regress_pgsr_to.a_view;
-- (refused: PostgreSQL 17 words it differently)
SELECT regress.error_of('REFRESH MATERIALIZED VIEW regress_pgsr_to.a_matview') LIKE '42501:%' AS refresh_refused;
SELECT nextval('regress_pgsr_to.a_sequence');
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- A table that does not exist is skipped with a NOTICE; the rest is applied.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_mia', '[
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "no_such_table"},
    {"type": "table_ownership", "schema": "regress_pgsr_to_no_such_schema", "table": "a_view"},
    {"type": "table_ownership", "schema": "regress_pgsr_to", "table": "a_view"}
]') ORDER BY step;
SELECT * FROM regress.to_owners('regress_pgsr_to') WHERE relname = 'a_view';

-- A table in a schema owned by another ordinary role, and owned by it:
-- the caller acts with that role's rights, for the call only.
CREATE ROLE regress_pgsr_to_schema_owner;
CALL regress.manage('regress_pgsr_to_schema_owner');
\c - :su
CREATE SCHEMA regress_pgsr_to_theirs AUTHORIZATION regress_pgsr_to_schema_owner;
SET ROLE regress_pgsr_to_schema_owner;
CREATE TABLE regress_pgsr_to_theirs.ninas (x int);
INSERT INTO regress_pgsr_to_theirs.ninas VALUES (1);
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_nina', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to_theirs"},
    {"type": "table_ownership", "schema": "regress_pgsr_to_theirs", "table": "ninas"}
]') ORDER BY step;
SELECT * FROM regress.to_owners('regress_pgsr_to_theirs');
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;
\c - :su
SET ROLE regress_pgsr_to_nina;
SELECT x FROM regress_pgsr_to_theirs.ninas;
CREATE TABLE regress_pgsr_to_theirs.nina_made (x int);
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;
-- Taken away, in a schema the caller does not own: the recipient needs
-- CREATE on the schema to become the owner, lent by the schema's owner for
-- the call; neither it nor the caller keeps CREATE there.
-- (Only the ownership change is shown: how the caller gets the right to it
-- is the business of the rows before it.)
SELECT action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_to_nina', '[
    {"type": "schema_usage", "schema": "regress_pgsr_to_theirs"}
]') WHERE action = 'alter_owner' ORDER BY step;
SELECT * FROM regress.to_owners('regress_pgsr_to_theirs');
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;
SELECT has_schema_privilege('regress_pgsr_admin', 'regress_pgsr_to_theirs', 'CREATE') AS caller_can_create;
\c - :su
SET ROLE regress_pgsr_to_nina;
SELECT x FROM regress_pgsr_to_theirs.ninas;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = notice;

-- A table owned by a superuser: the caller could not take it by hand, so
-- neither can sync, and nothing is left behind.
\c - :su
CREATE TABLE regress_pgsr_to.supers (x int);
ALTER TABLE regress_pgsr_to.supers OWNER TO regress_pgsr_to_super;
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT count(*) AS roles FROM pg_roles \gset before_
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_to_otto',
    '[{"type": "table_ownership", "schema": "regress_pgsr_to", "table": "supers"}]')$$);
SELECT count(*) - :before_roles AS roles_added FROM pg_roles;
SELECT * FROM regress.to_owners('regress_pgsr_to') WHERE relname = 'supers';

-- Cleaning up.
\c - :su
SET client_min_messages = warning;
DROP SCHEMA regress_pgsr_to CASCADE;
DROP SCHEMA regress_pgsr_to_kate CASCADE;
DROP SCHEMA regress_pgsr_to_theirs CASCADE;
DROP FUNCTION regress.to_owners(text);
DROP FUNCTION regress.to_acl(regclass);
SELECT regress.drop_roles('regress\_pgsr\_to\_%');
SELECT regress.drop_roles('\_pgsr\_%');
