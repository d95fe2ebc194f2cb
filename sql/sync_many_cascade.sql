-- sync_many: a REVOKE ... CASCADE for one role of the request also removes
-- what that role granted to another role of the request.  That other role's
-- revoke must not fail (its grantor lost the right) or be a REVOKE that
-- removes nothing, and a privilege it declares must be granted again.
-- Whichever role is named first, each role ends as its document says: a
-- sync of any of them alone afterwards has nothing to do.
\set su :USER
-- Helpers, made by the superuser in schema regress (they outlive \c).
-- What a role can read, and who granted it what on a table.
CREATE FUNCTION regress.cas_reads(r text, tab text) RETURNS boolean LANGUAGE sql AS $$
    SELECT has_table_privilege(r, tab, 'SELECT') AND has_schema_privilege(r, 'regress_pgsr_cas_s', 'USAGE')
$$;
CREATE FUNCTION regress.cas_acl(tab text) RETURNS TABLE (grantee text, grantor text, privilege text, grantable boolean)
LANGUAGE sql AS $$
    SELECT regress.stable(a.grantee::regrole::text), regress.stable(a.grantor::regrole::text), a.privilege_type, a.is_grantable
      FROM pg_class c, aclexplode(c.relacl) a
     WHERE c.oid = tab::regclass AND a.grantee <> c.relowner
     ORDER BY 1, 2, 3
$$;
CREATE FUNCTION regress.cas_nothing_left(doc jsonb) RETURNS TABLE (role text, changes bigint) LANGUAGE sql AS $$
    SELECT r, (SELECT count(*) FROM pg_sync_roles.plan(r, doc -> r)) FROM jsonb_object_keys(doc) AS r ORDER BY 1
$$;
-- Two roles, the first holding SELECT on t WITH GRANT OPTION from its owner.
CREATE FUNCTION regress.cas_pair(grantor text, grantee text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE ROLE %I', grantor);
    EXECUTE format('CREATE ROLE %I', grantee);
    EXECUTE format('GRANT USAGE ON SCHEMA regress_pgsr_cas_s TO %I, %I', grantor, grantee);
    EXECUTE format('GRANT SELECT ON regress_pgsr_cas_s.t TO %I WITH GRANT OPTION', grantor);
END $$;
\c - regress_pgsr_admin
SET client_min_messages = warning;
CREATE SCHEMA regress_pgsr_cas_s;
CREATE TABLE regress_pgsr_cas_s.t (x int);
INSERT INTO regress_pgsr_cas_s.t VALUES (1);

-- grantor holds SELECT WITH GRANT OPTION (from the owner, the caller) and
-- passed it on to grantee.  Two pairs, so that the grantor is named first in
-- one request (..._a_grantor < ..._b_grantee) and last in the other.
SELECT regress.cas_pair('regress_pgsr_cas_a_grantor', 'regress_pgsr_cas_b_grantee'),
       regress.cas_pair('regress_pgsr_cas_d_grantor', 'regress_pgsr_cas_c_grantee');
\c - :su
SET ROLE regress_pgsr_cas_a_grantor;
GRANT SELECT ON regress_pgsr_cas_s.t TO regress_pgsr_cas_b_grantee;
SET ROLE regress_pgsr_cas_d_grantor;
GRANT SELECT ON regress_pgsr_cas_s.t TO regress_pgsr_cas_c_grantee;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT * FROM regress.cas_acl('regress_pgsr_cas_s.t');

-- The grantor is declared nothing on t, the grantee a direct SELECT: the
-- grantor's revoke cascades to the grantee's grant, which the owner then
-- grants again.
SELECT jsonb_build_object(
    'regress_pgsr_cas_a_grantor', '[{"type": "schema_usage", "schema": "regress_pgsr_cas_s", "direct": true}]'::jsonb,
    'regress_pgsr_cas_b_grantee', '[{"type": "schema_usage", "schema": "regress_pgsr_cas_s", "direct": true},
                                    {"type": "table_select", "schema": "regress_pgsr_cas_s", "table": "t", "direct": true}]'::jsonb,
    'regress_pgsr_cas_c_grantee', '[{"type": "schema_usage", "schema": "regress_pgsr_cas_s", "direct": true},
                                    {"type": "table_select", "schema": "regress_pgsr_cas_s", "table": "t", "direct": true}]'::jsonb,
    'regress_pgsr_cas_d_grantor', '[{"type": "schema_usage", "schema": "regress_pgsr_cas_s", "direct": true}]'::jsonb
) AS keep \gset
SELECT step, role, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync_many(:'keep');
SELECT r AS role, regress.cas_reads(r, 'regress_pgsr_cas_s.t') AS reads_t
  FROM unnest(ARRAY['regress_pgsr_cas_a_grantor', 'regress_pgsr_cas_b_grantee',
                    'regress_pgsr_cas_c_grantee', 'regress_pgsr_cas_d_grantor']) AS r;
SELECT * FROM regress.cas_acl('regress_pgsr_cas_s.t');
SELECT * FROM regress.cas_nothing_left(:'keep');
\c - :su
SET ROLE regress_pgsr_cas_b_grantee;
SELECT x FROM regress_pgsr_cas_s.t;
SET ROLE regress_pgsr_cas_a_grantor;
SELECT x FROM regress_pgsr_cas_s.t;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = warning;

-- Again, with neither declaring anything on t: every revoke removes what it
-- names (a REVOKE that removed nothing would fail the call), and nobody
-- reads t.
SELECT regress.cas_pair('regress_pgsr_cas_e_grantor', 'regress_pgsr_cas_f_grantee');
\c - :su
SET ROLE regress_pgsr_cas_e_grantor;
GRANT SELECT ON regress_pgsr_cas_s.t TO regress_pgsr_cas_f_grantee WITH GRANT OPTION;
SET ROLE regress_pgsr_cas_f_grantee;
GRANT SELECT ON regress_pgsr_cas_s.t TO regress_pgsr_cas_b_grantee;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT jsonb_build_object(
    'regress_pgsr_cas_b_grantee', '[]'::jsonb,
    'regress_pgsr_cas_e_grantor', '[]'::jsonb,
    'regress_pgsr_cas_f_grantee', '[]'::jsonb
) AS drop \gset
SELECT step, role, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync_many(:'drop');
SELECT r AS role, regress.cas_reads(r, 'regress_pgsr_cas_s.t') AS reads_t
  FROM unnest(ARRAY['regress_pgsr_cas_b_grantee', 'regress_pgsr_cas_e_grantor', 'regress_pgsr_cas_f_grantee']) AS r;
SELECT * FROM regress.cas_acl('regress_pgsr_cas_s.t');
SELECT * FROM regress.cas_nothing_left(:'drop');

-- A table taken from its owner (a role of the request that no longer
-- declares owning it) goes to a recipient with no rights of its own; the
-- grant she made on it to another role of the request goes with her, and
-- that role's declared SELECT is granted again by the new owner.
\c - :su
CREATE ROLE regress_pgsr_cas_owner;
CALL regress.manage('regress_pgsr_cas_owner');
CREATE ROLE regress_pgsr_cas_reader;
CALL regress.manage('regress_pgsr_cas_reader');
GRANT USAGE ON SCHEMA regress_pgsr_cas_s TO regress_pgsr_cas_owner, regress_pgsr_cas_reader;
CREATE TABLE regress_pgsr_cas_s.owned (y int);
INSERT INTO regress_pgsr_cas_s.owned VALUES (2);
ALTER TABLE regress_pgsr_cas_s.owned OWNER TO regress_pgsr_cas_owner;
SET ROLE regress_pgsr_cas_owner;
GRANT SELECT, UPDATE ON regress_pgsr_cas_s.owned TO regress_pgsr_cas_reader;
RESET ROLE;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT regress.caller_in('regress_pgsr_cas_owner') AS caller_in_owner_before;
SELECT jsonb_build_object(
    'regress_pgsr_cas_owner', '[{"type": "schema_usage", "schema": "regress_pgsr_cas_s", "direct": true}]'::jsonb,
    'regress_pgsr_cas_reader', '[{"type": "schema_usage", "schema": "regress_pgsr_cas_s", "direct": true},
                                 {"type": "table_select", "schema": "regress_pgsr_cas_s", "table": "owned", "direct": true}]'::jsonb
) AS taken \gset
SELECT step, role, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync_many(:'taken');
SELECT regress.stable(relowner::regrole::text) AS owner FROM pg_class WHERE oid = 'regress_pgsr_cas_s.owned'::regclass;
SELECT * FROM regress.cas_acl('regress_pgsr_cas_s.owned');
SELECT r AS role, regress.cas_reads(r, 'regress_pgsr_cas_s.owned') AS reads_owned,
       has_table_privilege(r, 'regress_pgsr_cas_s.owned', 'UPDATE') AS updates_owned
  FROM unnest(ARRAY['regress_pgsr_cas_owner', 'regress_pgsr_cas_reader']) AS r;
SELECT * FROM regress.cas_nothing_left(:'taken');
SELECT regress.caller_in('regress_pgsr_cas_owner') AS caller_in_owner_after;
\c - :su
SET ROLE regress_pgsr_cas_reader;
SELECT y FROM regress_pgsr_cas_s.owned;
RESET ROLE;

DROP SCHEMA regress_pgsr_cas_s CASCADE;
SET client_min_messages = warning;
SELECT regress.drop_roles('regress\_pgsr\_cas\_%');
SELECT regress.drop_roles('\_pgsr\_%');
DROP FUNCTION regress.cas_reads, regress.cas_acl, regress.cas_nothing_left, regress.cas_pair;
