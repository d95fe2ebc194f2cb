-- PostgreSQL 16 changed the role rules: memberships carry INHERIT and SET
-- options and one row per grantor, granting a role needs ADMIN OPTION on it,
-- and createrole_self_grant can make the caller a member of what it creates.
-- On 15 there is nothing of this to test (role_rules_1.out).
\set su :USER
SELECT current_setting('server_version_num')::int >= 160000 AS pg16,
       current_setting('server_version_num')::int >= 170000 AS pg17 \gset
\if :pg16
\else
\echo 'PostgreSQL 15: the role rules of 16 and later do not apply'
\quit
\endif
\c - regress_pgsr_admin
SET client_min_messages = warning;
CREATE SCHEMA regress_pgsr_rr;
CREATE TABLE regress_pgsr_rr.t (x int);
INSERT INTO regress_pgsr_rr.t VALUES (1);

-- createrole_self_grant, unset and set: the caller ends with the
-- memberships it had.
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole \gset before_
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_rr_a', '[
    {"type": "schema_usage", "schema": "regress_pgsr_rr"},
    {"type": "table_select", "schema": "regress_pgsr_rr", "table": "t"}
]');
SET createrole_self_grant = 'set, inherit';
SELECT action, regress.masked(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_rr_b', '[
    {"type": "role_membership", "role": "regress_pgsr_rr_group"},
    {"type": "schema_usage", "schema": "regress_pgsr_rr"},
    {"type": "table_select", "schema": "regress_pgsr_rr", "table": "t"}
]') ORDER BY step;
RESET createrole_self_grant;
-- (Each role the caller creates gives it one ADMIN OPTION row, as CREATE ROLE does by hand.)
SELECT count(*) - :before_caller_memberships AS new_caller_memberships,
       count(*) FILTER (WHERE NOT admin_option) AS without_admin_option
  FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_rr_b', '[
    {"type": "role_membership", "role": "regress_pgsr_rr_group"},
    {"type": "schema_usage", "schema": "regress_pgsr_rr"},
    {"type": "table_select", "schema": "regress_pgsr_rr", "table": "t"}
]');

-- A NOINHERIT role can use intermediate roles: their memberships carry INHERIT.
CREATE ROLE regress_pgsr_rr_noinherit NOINHERIT;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_rr_noinherit', '[
    {"type": "schema_usage", "schema": "regress_pgsr_rr"},
    {"type": "table_select", "schema": "regress_pgsr_rr", "table": "t"}
]');
SELECT g.rolname LIKE '\_pgsr\_%' AS intermediate, m.inherit_option, m.set_option
  FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
 WHERE m.member = 'regress_pgsr_rr_noinherit'::regrole ORDER BY 1;
\c - :su
SET ROLE regress_pgsr_rr_noinherit;
SELECT x FROM regress_pgsr_rr.t;
RESET ROLE;

-- A role the caller did not create and holds no ADMIN OPTION on cannot be
-- granted: 42501 up front, with the GRANT a superuser would run.
CREATE ROLE regress_pgsr_rr_foreign;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT left(regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_rr_a',
    '[{"type": "role_membership", "role": "regress_pgsr_rr_foreign"}]')$$), 5) AS sqlstate;
SELECT * FROM pg_sync_roles.sync('regress_pgsr_rr_a', '[{"type": "role_membership", "role": "regress_pgsr_rr_foreign"}]');

-- A membership has one row per grantor: revoking it removes each row, as its
-- grantor.  One granted by a superuser cannot be revoked by the caller:
-- 42501 naming that grantor, and nothing changes.
\c - :su
GRANT regress_pgsr_rr_group TO regress_pgsr_rr_a;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT replace(regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_rr_a', '[]')$$),
               format('"%s"', :'su'), '"<superuser>"') AS superuser_granted;
SELECT pg_has_role('regress_pgsr_rr_a', 'regress_pgsr_rr_group', 'MEMBER') AS still_member;
\c - :su
REVOKE regress_pgsr_rr_group FROM regress_pgsr_rr_a GRANTED BY CURRENT_USER;
-- Granted twice, by the caller and by another role the caller has the
-- privileges of: both rows go.
CREATE ROLE regress_pgsr_rr_deputy;
GRANT regress_pgsr_rr_group TO regress_pgsr_rr_deputy WITH ADMIN OPTION;
GRANT regress_pgsr_rr_deputy TO regress_pgsr_admin;
SET ROLE regress_pgsr_rr_deputy;
GRANT regress_pgsr_rr_group TO regress_pgsr_rr_a;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = warning;
GRANT regress_pgsr_rr_group TO regress_pgsr_rr_a;
SELECT count(*) AS rows_before FROM pg_auth_members
 WHERE roleid = 'regress_pgsr_rr_group'::regrole AND member = 'regress_pgsr_rr_a'::regrole;
SELECT action, regress.masked(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_rr_a', '[]') ORDER BY step;
SELECT count(*) AS rows_after FROM pg_auth_members
 WHERE roleid = 'regress_pgsr_rr_group'::regrole AND member = 'regress_pgsr_rr_a'::regrole;

-- ADMIN OPTION is never declared.  It lives on one row of a membership and
-- REVOKE ADMIN OPTION FOR without GRANTED BY looks only at the caller's row:
-- it is revoked as the grantor of the row that carries it.  One a superuser
-- granted: a 42501 naming that grantor, and nothing changes.
\c - :su
CREATE ROLE regress_pgsr_rr_c;
CALL regress.manage('regress_pgsr_rr_c');
SET ROLE regress_pgsr_rr_deputy;
GRANT regress_pgsr_rr_group TO regress_pgsr_rr_a WITH ADMIN OPTION;
RESET ROLE;
SET ROLE regress_pgsr_rr_a;
SELECT regress.error_of('GRANT regress_pgsr_rr_group TO regress_pgsr_rr_c') AS a_grants_before;
REVOKE regress_pgsr_rr_group FROM regress_pgsr_rr_c;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT action, regress.masked(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_rr_a',
    '[{"type": "role_membership", "role": "regress_pgsr_rr_group"}]') ORDER BY step;
SELECT count(*) AS changes FROM pg_sync_roles.plan('regress_pgsr_rr_a',
    '[{"type": "role_membership", "role": "regress_pgsr_rr_group"}]');
\c - :su
SET ROLE regress_pgsr_rr_a;
SELECT regress.error_of('GRANT regress_pgsr_rr_group TO regress_pgsr_rr_c') AS a_grants_after;
RESET ROLE;
SELECT pg_has_role('regress_pgsr_rr_a', 'regress_pgsr_rr_group', 'MEMBER') AS a_still_member;
GRANT regress_pgsr_rr_group TO regress_pgsr_rr_a WITH ADMIN OPTION;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT replace(regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_rr_a',
    '[{"type": "role_membership", "role": "regress_pgsr_rr_group"}]')$$),
               format('"%s"', :'su'), '"<superuser>"') AS superuser_granted_admin;
\c - :su
SET ROLE regress_pgsr_rr_a;
SELECT regress.error_of('GRANT regress_pgsr_rr_group TO regress_pgsr_rr_c') AS a_still_grants;
REVOKE regress_pgsr_rr_group FROM regress_pgsr_rr_c;
RESET ROLE;
REVOKE regress_pgsr_rr_group FROM regress_pgsr_rr_a GRANTED BY CURRENT_USER;

-- From 17 on, MAINTAIN is a table privilege like the others: revoked when
-- not declared.
\if :pg17
\c - :su
GRANT MAINTAIN ON regress_pgsr_rr.t TO regress_pgsr_rr_b;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT action, regress.masked(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_rr_b', '[
    {"type": "role_membership", "role": "regress_pgsr_rr_group"},
    {"type": "schema_usage", "schema": "regress_pgsr_rr"},
    {"type": "table_select", "schema": "regress_pgsr_rr", "table": "t"}
]') ORDER BY step;
SELECT has_table_privilege('regress_pgsr_rr_b', 'regress_pgsr_rr.t', 'MAINTAIN') AS b_maintain;
\endif

\c - :su
SET client_min_messages = warning;
DROP SCHEMA regress_pgsr_rr CASCADE;
SELECT regress.drop_roles('regress\_pgsr\_rr\_%');
SELECT regress.drop_roles('\_pgsr\_%');

-- drop_unused_roles: dropping a role takes ADMIN OPTION on it.  An unused
-- recipient a superuser made is left, named in a NOTICE; the caller's own
-- unused one is still dropped.
\c - :su
CREATE ROLE _pgsr_owner_0000abcd;
\c - regress_pgsr_admin
CREATE ROLE _pgsr_owner_0000abce;
SET client_min_messages = notice;
SELECT d AS dropped FROM pg_sync_roles.drop_unused_roles() AS d ORDER BY 1;
RESET client_min_messages;
SELECT rolname FROM pg_roles WHERE rolname LIKE '\_pgsr\_owner\_0000abc%' ORDER BY 1;
-- Given ADMIN OPTION on it, the caller drops it too.
\c - :su
CALL regress.manage('_pgsr_owner_0000abcd');
\c - regress_pgsr_admin
SELECT d AS dropped FROM pg_sync_roles.drop_unused_roles() AS d ORDER BY 1;
SELECT count(*) AS left FROM pg_roles WHERE rolname LIKE '\_pgsr\_owner\_0000abc%';
