-- An intermediate role that holds a privilege on one of its table's columns
-- (the table's owner granted it, say) holds more than SELECT there: it is
-- not reused, or every member would get that column privilege too.  A new
-- one is made, and the role's membership moves to it.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;
CREATE ROLE regress_pgsr_ic_owner;
\c - :su
CREATE SCHEMA regress_pgsr_ic_s AUTHORIZATION regress_pgsr_ic_owner;
GRANT USAGE ON SCHEMA regress_pgsr_ic_s TO PUBLIC;
CREATE TABLE regress_pgsr_ic_s.t (x int, y int);
ALTER TABLE regress_pgsr_ic_s.t OWNER TO regress_pgsr_ic_owner;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_ic_u',
    '[{"type": "table_select", "schema": "regress_pgsr_ic_s", "table": "t"}]');
\c - :su
-- The owner grants the intermediate role UPDATE on a column.
DO $$ BEGIN
    EXECUTE (SELECT format('GRANT UPDATE (x) ON regress_pgsr_ic_s.t TO %I', m.roleid::regrole)
               FROM pg_auth_members m WHERE m.member = 'regress_pgsr_ic_u'::regrole);
END $$;
SELECT has_column_privilege('regress_pgsr_ic_u', 'regress_pgsr_ic_s.t', 'x', 'UPDATE') AS u_updates_x;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_ic_u',
    '[{"type": "table_select", "schema": "regress_pgsr_ic_s", "table": "t"}]') ORDER BY step;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_ic_u',
    '[{"type": "table_select", "schema": "regress_pgsr_ic_s", "table": "t"}]');
\c - :su
SELECT has_table_privilege('regress_pgsr_ic_u', 'regress_pgsr_ic_s.t', 'SELECT') AS u_selects,
       has_column_privilege('regress_pgsr_ic_u', 'regress_pgsr_ic_s.t', 'x', 'UPDATE') AS u_updates_x,
       (SELECT count(*) FROM pg_auth_members WHERE member = 'regress_pgsr_ic_u'::regrole) AS u_memberships;

SET client_min_messages = warning;
DROP SCHEMA regress_pgsr_ic_s CASCADE;
SELECT regress.drop_roles('regress\_pgsr\_ic\_%');
DO $$
DECLARE r text;
BEGIN
    FOR r IN SELECT rolname FROM pg_roles
              WHERE shobj_description(oid, 'pg_authid') LIKE '%"regress_pgsr_ic_s"%' LOOP
        EXECUTE format('DROP ROLE %I', r);
    END LOOP;
END $$;
