-- A grantor whose grants outlived its grant option: it is a member of the
-- object's owner, so revoking its option did not cascade (a member of the
-- owner keeps every grant option implicitly).  A REVOKE run as it would be
-- recorded as the owner's (PostgreSQL picks the first role holding the
-- option itself) and remove nothing: the owner lends it the option for that
-- one REVOKE and takes it back.  Everybody else keeps what they had.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;
CREATE ROLE regress_pgsr_go_owner;
CREATE ROLE regress_pgsr_go_grantor;
CREATE ROLE regress_pgsr_go_u;
CREATE ROLE regress_pgsr_go_bystander;
\c - :su
CREATE SCHEMA regress_pgsr_go_s AUTHORIZATION regress_pgsr_go_owner;
SET ROLE regress_pgsr_go_owner;
CREATE TABLE regress_pgsr_go_s.t1 (x int);
CREATE TABLE regress_pgsr_go_s.t2 (x int);
GRANT USAGE ON SCHEMA regress_pgsr_go_s TO regress_pgsr_go_grantor WITH GRANT OPTION;
GRANT SELECT ON regress_pgsr_go_s.t1, regress_pgsr_go_s.t2 TO regress_pgsr_go_grantor WITH GRANT OPTION;
SET ROLE regress_pgsr_go_grantor;
GRANT USAGE ON SCHEMA regress_pgsr_go_s TO regress_pgsr_go_u, regress_pgsr_go_bystander;
GRANT SELECT ON regress_pgsr_go_s.t1, regress_pgsr_go_s.t2 TO regress_pgsr_go_u, regress_pgsr_go_bystander;
RESET ROLE;
GRANT regress_pgsr_go_owner TO regress_pgsr_go_grantor;
-- The owner takes the options back (t2: the privilege too); nothing cascades.
SET ROLE regress_pgsr_go_owner;
REVOKE GRANT OPTION FOR USAGE ON SCHEMA regress_pgsr_go_s FROM regress_pgsr_go_grantor CASCADE;
REVOKE GRANT OPTION FOR SELECT ON regress_pgsr_go_s.t1 FROM regress_pgsr_go_grantor CASCADE;
REVOKE SELECT ON regress_pgsr_go_s.t2 FROM regress_pgsr_go_grantor CASCADE;
RESET ROLE;
CREATE VIEW regress_pgsr_go_acl AS
    SELECT o.what, x.grantee::regrole::text AS grantee, x.grantor::regrole::text AS grantor,
           x.privilege_type, x.is_grantable
      FROM (SELECT 'schema' AS what, nspacl AS acl FROM pg_namespace WHERE nspname = 'regress_pgsr_go_s'
            UNION ALL
            SELECT relname::text, relacl FROM pg_class
             WHERE relnamespace = 'regress_pgsr_go_s'::regnamespace AND relname IN ('t1', 't2')) o,
           LATERAL aclexplode(o.acl) x
     WHERE x.grantee <> (SELECT oid FROM pg_roles WHERE rolname = 'regress_pgsr_go_owner');
SELECT * FROM regress_pgsr_go_acl ORDER BY 1, 2, 3, 4;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_go_u', '[]') ORDER BY step;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_go_u', '[]');
\c - :su
-- The target lost it all; the grantor has what it had (USAGE and SELECT on
-- t1 without the option, nothing on t2); the bystander keeps its grants.
SELECT * FROM regress_pgsr_go_acl ORDER BY 1, 2, 3, 4;
SELECT has_table_privilege('regress_pgsr_go_u', 'regress_pgsr_go_s.t1', 'SELECT') AS u_t1,
       has_table_privilege('regress_pgsr_go_u', 'regress_pgsr_go_s.t2', 'SELECT') AS u_t2,
       has_schema_privilege('regress_pgsr_go_u', 'regress_pgsr_go_s', 'USAGE') AS u_usage,
       has_table_privilege('regress_pgsr_go_bystander', 'regress_pgsr_go_s.t2', 'SELECT') AS bystander_t2,
       (SELECT count(*) FROM pg_auth_members
         WHERE member = (SELECT oid FROM pg_roles WHERE rolname = 'regress_pgsr_admin')
           AND regress.caller_in(roleid::regrole::text)) AS caller_memberships;

-- The same orphaned grant, with its grantor synced in the same request (it
-- loses its SELECT and its membership of the owner): REVOKE ... CASCADE from
-- the grantor takes nothing from what it granted, as it holds no grant option
-- to lose, so the target's grant must still be revoked on its own.
\c - regress_pgsr_admin
SET client_min_messages = warning;
CREATE ROLE regress_pgsr_go_owner2;
CREATE ROLE regress_pgsr_go_grantor2;
CREATE ROLE regress_pgsr_go_u2;
GRANT regress_pgsr_go_owner2 TO regress_pgsr_go_grantor2;
\c - :su
CREATE SCHEMA regress_pgsr_go_s2 AUTHORIZATION regress_pgsr_go_owner2;
GRANT USAGE ON SCHEMA regress_pgsr_go_s2 TO PUBLIC;
SET ROLE regress_pgsr_go_owner2;
CREATE TABLE regress_pgsr_go_s2.t (x int);
GRANT SELECT ON regress_pgsr_go_s2.t TO regress_pgsr_go_grantor2 WITH GRANT OPTION;
SET ROLE regress_pgsr_go_grantor2;
GRANT SELECT ON regress_pgsr_go_s2.t TO regress_pgsr_go_u2;
SET ROLE regress_pgsr_go_owner2;
REVOKE GRANT OPTION FOR SELECT ON regress_pgsr_go_s2.t FROM regress_pgsr_go_grantor2 CASCADE;
RESET ROLE;
SELECT has_table_privilege('regress_pgsr_go_u2', 'regress_pgsr_go_s2.t', 'SELECT') AS u2_before;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT count(*) > 0 AS changed FROM pg_sync_roles.sync_many(
    '{"regress_pgsr_go_u2": [], "regress_pgsr_go_grantor2": []}');
\c - :su
SET ROLE regress_pgsr_go_u2;
SELECT x FROM regress_pgsr_go_s2.t;
RESET ROLE;
SELECT has_table_privilege('regress_pgsr_go_u2', 'regress_pgsr_go_s2.t', 'SELECT') AS u2_after,
       has_table_privilege('regress_pgsr_go_grantor2', 'regress_pgsr_go_s2.t', 'SELECT') AS grantor2_after;
SET client_min_messages = warning;
DROP SCHEMA regress_pgsr_go_s2 CASCADE;

SET client_min_messages = warning;
DROP VIEW regress_pgsr_go_acl;
DROP SCHEMA regress_pgsr_go_s CASCADE;
SELECT regress.drop_roles('regress\_pgsr\_go\_%');
