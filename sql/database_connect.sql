-- database_connect: CONNECT through one intermediate role per database,
-- found through the database's ACL and shared by every role.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = notice;
SELECT current_database() AS db \gset
-- PUBLIC's default CONNECT is left alone (never revoked), so the checks
-- below look at the role's own privileges.
REVOKE CONNECT ON DATABASE :"db" FROM PUBLIC;
SELECT has_database_privilege('regress_pgsr_dc_a', :'db', 'CONNECT') AS before FROM
    (SELECT count(*) FROM pg_sync_roles.sync('regress_pgsr_dc_a', '[]')) AS s;

SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_dc_a', regress.connect_doc(:'db'));
SELECT has_database_privilege('regress_pgsr_dc_a', :'db', 'CONNECT') AS can_connect;
SELECT regress.connect_holders(:'db');

-- A second role reuses it: no role is created.
SELECT count(*) AS roles FROM pg_roles \gset before_
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_dc_b', regress.connect_doc(:'db'));
SELECT count(*) - :before_roles AS roles_added FROM pg_roles;
SELECT has_database_privilege('regress_pgsr_dc_b', :'db', 'CONNECT') AS can_connect;

-- Nothing to do the second time.
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_dc_b', regress.connect_doc(:'db'));

-- Dropping the grant removes the access, and only that role's.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_dc_a', '[]');
SELECT has_database_privilege('regress_pgsr_dc_a', :'db', 'CONNECT') AS a_can_connect,
       has_database_privilege('regress_pgsr_dc_b', :'db', 'CONNECT') AS b_can_connect;

-- A database that does not exist is skipped with a NOTICE; the rest is applied.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_dc_a', regress.connect_doc('regress_pgsr_no_such_db', :'db'));
SELECT has_database_privilege('regress_pgsr_dc_a', :'db', 'CONNECT') AS can_connect;

-- A database owned by another role: the caller is given the owner's rights
-- for the call only, and holds no extra membership afterwards.
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_dc_a', regress.connect_doc(:'db', 'regress_pgsr_other'));
SELECT has_database_privilege('regress_pgsr_dc_a', 'regress_pgsr_other', 'CONNECT') AS can_connect_other;
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;

-- A database whose owner is a superuser: the caller cannot GRANT on it by
-- hand, so neither can sync, and nothing is left behind.  (The message
-- names template1's owner, whose name initdb chose.)
SELECT count(*) AS roles FROM pg_roles \gset before_
SELECT replace(regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_dc_c', '[{"type": "database_connect", "database": "template1"}]')$$),
               format('"%s"', (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'template1')),
               '"<owner of template1>"') AS error_of;
SELECT count(*) - :before_roles AS roles_added FROM pg_roles;

-- The intermediate role is found through the ACL, whatever its suffix: a
-- database set up by hand (as the Python library pg-sync-roles leaves it)
-- is taken over with no change.
\c - :su
CREATE DATABASE regress_pgsr_byhand OWNER regress_pgsr_admin;
\c - regress_pgsr_admin
CREATE ROLE _pgsr_global_database_connect_0badc0de;
CALL regress.manage('_pgsr_global_database_connect_0badc0de');
GRANT CONNECT ON DATABASE regress_pgsr_byhand TO _pgsr_global_database_connect_0badc0de;
CREATE ROLE regress_pgsr_dc_d;
CALL regress.manage('regress_pgsr_dc_d');
GRANT _pgsr_global_database_connect_0badc0de TO regress_pgsr_dc_d;
SELECT count(*) AS changes FROM pg_sync_roles.plan('regress_pgsr_dc_d', regress.connect_doc('regress_pgsr_byhand'));
SELECT step, action, regress.unversioned(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_dc_e', regress.connect_doc('regress_pgsr_byhand'));

-- A role with the right name but no CONNECT in the ACL is not used.
REVOKE CONNECT ON DATABASE regress_pgsr_byhand FROM _pgsr_global_database_connect_0badc0de;
SELECT step, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync('regress_pgsr_dc_e', regress.connect_doc('regress_pgsr_byhand'));
SELECT regress.connect_holders('regress_pgsr_byhand');

\c - :su
GRANT CONNECT ON DATABASE :"db" TO PUBLIC;
DROP DATABASE regress_pgsr_byhand;
SELECT regress.drop_roles('regress\_pgsr\_dc\_%');
SELECT regress.drop_roles('\_pgsr\_%');
