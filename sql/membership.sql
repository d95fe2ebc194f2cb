-- role_membership: the role is a member of exactly the declared roles.
\set su :USER
CREATE ROLE regress_pgsr_m_super SUPERUSER;
\c - regress_pgsr_admin
SET client_min_messages = warning;

CREATE ROLE regress_pgsr_m_readers;
CALL regress.manage('regress_pgsr_m_readers');
CREATE TABLE regress_pgsr_m_data (x int);
INSERT INTO regress_pgsr_m_data VALUES (1);
GRANT SELECT ON regress_pgsr_m_data TO regress_pgsr_m_readers;

-- A missing declared role is created NOLOGIN; the member gets what its
-- roles can do.
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_m_alice', '[
    {"type": "role_membership", "role": "regress_pgsr_m_readers"},
    {"type": "role_membership", "role": "regress_pgsr_m_new"}
]');
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'regress\_pgsr\_m\_%' ORDER BY 1;
SELECT pg_has_role('regress_pgsr_m_alice', 'regress_pgsr_m_readers', 'MEMBER') AS readers,
       pg_has_role('regress_pgsr_m_alice', 'regress_pgsr_m_new', 'MEMBER') AS new;
\c - :su
SET ROLE regress_pgsr_m_alice;
SELECT x FROM regress_pgsr_m_data;
\c - regress_pgsr_admin

-- Matching already: nothing to do.
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_m_alice', '[
    {"type": "role_membership", "role": "regress_pgsr_m_new"},
    {"type": "role_membership", "role": "regress_pgsr_m_readers"}
]');

-- A membership given by hand, not declared, is revoked with the dropped one,
-- and the access it gave is gone.
CREATE ROLE regress_pgsr_m_byhand;
CALL regress.manage('regress_pgsr_m_byhand');
GRANT regress_pgsr_m_byhand TO regress_pgsr_m_alice;
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_m_alice', '[
    {"type": "role_membership", "role": "regress_pgsr_m_new"}
]');
SELECT pg_has_role('regress_pgsr_m_alice', 'regress_pgsr_m_readers', 'MEMBER') AS readers,
       pg_has_role('regress_pgsr_m_alice', 'regress_pgsr_m_byhand', 'MEMBER') AS byhand,
       pg_has_role('regress_pgsr_m_alice', 'regress_pgsr_m_new', 'MEMBER') AS new;
\c - :su
SET ROLE regress_pgsr_m_alice;
SELECT x FROM regress_pgsr_m_data;
\c - regress_pgsr_admin

-- Two roles declared in one document share the statement that grants them.
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_m_bob', '[
    {"type": "role_membership", "role": "regress_pgsr_m_readers"},
    {"type": "role_membership", "role": "regress_pgsr_m_new"},
    {"type": "role_membership", "role": "regress_pgsr_m_readers"}
]');

-- Names are exact: case and spaces are kept, and quoted where needed.
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_m_Odd Name', '[
    {"type": "role_membership", "role": "regress_pgsr_m_\"quoted\""}
]');
SELECT pg_has_role('regress_pgsr_m_Odd Name', 'regress_pgsr_m_"quoted"', 'MEMBER') AS member;

-- A role the caller could not grant by hand (a superuser) fails the whole
-- call, and the role created before the failure is gone with it.
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_m_carol',
    '[{"type": "role_membership", "role": "regress_pgsr_m_readers"},
      {"type": "role_membership", "role": "regress_pgsr_m_super"}]')$$);
SELECT count(*) AS carol_exists FROM pg_roles WHERE rolname = 'regress_pgsr_m_carol';

-- Revoking everything.
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_m_bob', '[]');
SELECT count(*) AS memberships FROM pg_auth_members
 WHERE member = 'regress_pgsr_m_bob'::regrole;

DROP TABLE regress_pgsr_m_data;
\c - :su
SELECT regress.drop_roles('regress\_pgsr\_m\_%');
