-- Every statement runs as a role that can reach its object: a role that
-- cannot look up the object's schema gets USAGE lent by the schema's owner
-- for that one statement, and keeps nothing.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;
CREATE ROLE regress_pgsr_re_schema_owner;
CALL regress.manage('regress_pgsr_re_schema_owner');
\c - :su
CREATE SCHEMA regress_pgsr_re_s3 AUTHORIZATION regress_pgsr_re_schema_owner;
CREATE TABLE regress_pgsr_re_s3.t1 (x int);
INSERT INTO regress_pgsr_re_s3.t1 VALUES (1);
-- The caller owns a table in a schema it has no USAGE on.
ALTER TABLE regress_pgsr_re_s3.t1 OWNER TO regress_pgsr_admin;
SELECT has_schema_privilege('regress_pgsr_admin', 'regress_pgsr_re_s3', 'USAGE') AS caller_usage;
\c - regress_pgsr_admin
SET client_min_messages = warning;
-- (On 16+ the caller borrows the schema owner's SET only, not its
-- privileges, so the owner lends it USAGE too: those two steps not shown.)
SELECT action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_re_u2', '[
    {"type": "schema_usage", "schema": "regress_pgsr_re_s3", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_re_s3", "table": "t1", "direct": true}
]') WHERE statement !~ 'USAGE ON SCHEMA regress_pgsr_re_s3 (TO|FROM) regress_pgsr_admin$' ORDER BY step;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_re_u2', '[
    {"type": "schema_usage", "schema": "regress_pgsr_re_s3", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_re_s3", "table": "t1", "direct": true}
]');
\c - :su
SET ROLE regress_pgsr_re_u2;
SELECT x FROM regress_pgsr_re_s3.t1;
RESET ROLE;
SELECT has_schema_privilege('regress_pgsr_admin', 'regress_pgsr_re_s3', 'USAGE') AS caller_usage_after;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_re_u2', '[]')
 WHERE statement !~ 'USAGE ON SCHEMA regress_pgsr_re_s3 (TO|FROM) regress_pgsr_admin$';
\c - :su
SELECT has_table_privilege('regress_pgsr_re_u2', 'regress_pgsr_re_s3.t1', 'SELECT') AS u2_select_after;
SELECT has_schema_privilege('regress_pgsr_admin', 'regress_pgsr_re_s3', 'USAGE') AS caller_usage_at_end;

-- A grantor other than the owner that has since lost USAGE on the schema:
-- what it granted is still revoked, as it.
CREATE ROLE regress_pgsr_re_grantor;
CALL regress.manage('regress_pgsr_re_grantor');
GRANT USAGE ON SCHEMA regress_pgsr_re_s3 TO regress_pgsr_re_grantor;
GRANT SELECT ON regress_pgsr_re_s3.t1 TO regress_pgsr_re_grantor WITH GRANT OPTION;
CREATE ROLE regress_pgsr_re_u4;
CALL regress.manage('regress_pgsr_re_u4');
SET ROLE regress_pgsr_re_grantor;
GRANT SELECT ON regress_pgsr_re_s3.t1 TO regress_pgsr_re_u4;
RESET ROLE;
REVOKE USAGE ON SCHEMA regress_pgsr_re_s3 FROM regress_pgsr_re_grantor;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_re_u4', '[]') ORDER BY step;
\c - :su
SELECT has_table_privilege('regress_pgsr_re_u4', 'regress_pgsr_re_s3.t1', 'SELECT') AS u4_select_after;
SELECT has_schema_privilege('regress_pgsr_re_grantor', 'regress_pgsr_re_s3', 'USAGE') AS grantor_usage_after;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_re_u4', '[]');

-- A role declared a member of the caller, where the change needs that
-- role's rights: a clear error up front (lending it to the caller would be
-- a circular membership), and nothing changes.
\c - :su
CREATE TABLE regress_pgsr_re_s3.t2 (x int);
ALTER TABLE regress_pgsr_re_s3.t2 OWNER TO regress_pgsr_re_u4;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_re_u4',
    '[{"type": "role_membership", "role": "regress_pgsr_admin"}]')$$) AS member_of_caller;
SELECT pg_has_role('regress_pgsr_re_u4', 'regress_pgsr_admin', 'MEMBER') AS u4_in_caller;
-- Without anything needing its rights, it works on 15.  From 16 on a role
-- has no ADMIN OPTION on itself, so the caller cannot grant membership in
-- itself: a clear error up front, naming what a superuser can run.
\c - :su
DROP TABLE regress_pgsr_re_s3.t2;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT current_setting('server_version_num')::int >= 160000 AS pg16 \gset
\set doc '[{"type": "role_membership", "role": "regress_pgsr_admin"}]'
SELECT CASE WHEN :'pg16'::boolean
            THEN regress.error_of(format('SELECT * FROM pg_sync_roles.sync(%L, %L)', 'regress_pgsr_re_u4', :'doc'))
                 = '42501: permission denied to grant membership of "regress_pgsr_re_u4" in "regress_pgsr_admin": a role cannot grant membership in itself'
            ELSE (SELECT array_agg(statement) FROM pg_sync_roles.sync('regress_pgsr_re_u4', :'doc'))
                 = '{"GRANT regress_pgsr_admin TO regress_pgsr_re_u4"}'
       END AS as_the_version_allows;
SELECT pg_has_role('regress_pgsr_re_u4', 'regress_pgsr_admin', 'MEMBER') = NOT :'pg16'::boolean AS u4_in_caller_where_allowed;
SELECT CASE WHEN :'pg16'::boolean THEN true
            ELSE (SELECT count(*) FROM pg_sync_roles.sync('regress_pgsr_re_u4', :'doc')) = 0 END AS converged;
-- Synced again with a document that no longer declares it, where the change
-- needs its rights (a table it owns is taken from it): the membership of the
-- caller is revoked first, so lending the role to the caller is no longer
-- circular, and the sync goes through.
\c - :su
CREATE TABLE regress_pgsr_re_s3.t2 (x int);
ALTER TABLE regress_pgsr_re_s3.t2 OWNER TO regress_pgsr_re_u4;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT count(*) FILTER (WHERE statement = 'REVOKE regress_pgsr_admin FROM regress_pgsr_re_u4')
       = (NOT :'pg16'::boolean)::int AS revoked_where_granted,
       count(*) FILTER (WHERE action = 'alter_owner' AND statement LIKE '%regress_pgsr_re_s3.t2%') AS t2_given_away
  FROM pg_sync_roles.sync('regress_pgsr_re_u4', '[]');
SELECT count(*) AS changes FROM pg_sync_roles.plan('regress_pgsr_re_u4', '[]');
\c - :su
SELECT pg_has_role('regress_pgsr_re_u4', 'regress_pgsr_admin', 'MEMBER') AS u4_in_caller_at_end,
       pg_get_userbyid(relowner) = 'regress_pgsr_re_u4' AS u4_owns_t2,
       has_table_privilege('regress_pgsr_re_u4', 'regress_pgsr_re_s3.t2', 'SELECT') AS u4_selects_t2
  FROM pg_class WHERE oid = 'regress_pgsr_re_s3.t2'::regclass;

-- A role that can use a schema only through a grant the schema's owner made,
-- when the schema is taken from that owner: the grant goes with it (REVOKE
-- ... CASCADE as the former owner) before the table owner grants SELECT
-- there, so that GRANT gets USAGE lent for that one statement.
\c - :su
CREATE ROLE regress_pgsr_re_so;
CREATE ROLE regress_pgsr_re_via;
CREATE ROLE regress_pgsr_re_tab;
CALL regress.manage('regress_pgsr_re_so', 'regress_pgsr_re_via', 'regress_pgsr_re_tab');
CREATE SCHEMA regress_pgsr_re_s5 AUTHORIZATION regress_pgsr_re_so;
CREATE TABLE regress_pgsr_re_s5.t5 (x int);
INSERT INTO regress_pgsr_re_s5.t5 VALUES (5);
ALTER TABLE regress_pgsr_re_s5.t5 OWNER TO regress_pgsr_re_tab;
SET ROLE regress_pgsr_re_so;
GRANT USAGE ON SCHEMA regress_pgsr_re_s5 TO regress_pgsr_re_via;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = warning;
GRANT regress_pgsr_re_via TO regress_pgsr_re_tab;
SELECT has_schema_privilege('regress_pgsr_re_tab', 'regress_pgsr_re_s5', 'USAGE') AS tab_usage_before;
\set doc '[{"type": "schema_usage", "schema": "regress_pgsr_re_s5"}, {"type": "table_select", "schema": "regress_pgsr_re_s5", "table": "t5"}]'
SELECT count(*) > 0 AS synced FROM pg_sync_roles.sync('regress_pgsr_re_so', :'doc');
SELECT count(*) AS changes FROM pg_sync_roles.plan('regress_pgsr_re_so', :'doc');
\c - :su
SELECT pg_get_userbyid(nspowner) = 'regress_pgsr_re_so' AS so_owns_s5,
       has_schema_privilege('regress_pgsr_re_tab', 'regress_pgsr_re_s5', 'USAGE') AS tab_usage_after,
       has_schema_privilege('regress_pgsr_re_via', 'regress_pgsr_re_s5', 'USAGE') AS via_usage_after
  FROM pg_namespace WHERE nspname = 'regress_pgsr_re_s5';
SET ROLE regress_pgsr_re_so;
SELECT x AS so_selects FROM regress_pgsr_re_s5.t5;
RESET ROLE;

\c - :su
SET client_min_messages = warning;
DROP SCHEMA regress_pgsr_re_s3 CASCADE;
DROP SCHEMA regress_pgsr_re_s5 CASCADE;
SELECT regress.drop_roles('regress\_pgsr\_re\_%');
