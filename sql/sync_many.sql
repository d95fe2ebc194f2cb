-- sync_many / plan_many: every role of {"role": [grants], ...} synced as
-- sync would, in one call: one catalog pass, one plan, one lock, all or
-- nothing.  Run by the non-superuser caller.  (The CASCADE interplay between
-- roles of one request is in sync_many_cascade.)
\set su :USER
CREATE ROLE regress_pgsr_many_super SUPERUSER;
CREATE ROLE regress_pgsr_many_owner;
CALL regress.manage('regress_pgsr_many_owner');
CREATE ROLE regress_pgsr_many_group;
CALL regress.manage('regress_pgsr_many_group');
-- Helpers, made by the superuser in schema regress (they outlive \c).
-- What a role can do: read t, u and o, connect, log in; its memberships.
CREATE FUNCTION regress.many_can(r text) RETURNS TABLE (role text, t boolean, u boolean, o boolean,
                                                  connect boolean, login boolean, member_of text)
LANGUAGE sql AS $$
    SELECT r,
           has_table_privilege(r, 'regress_pgsr_many_s.t', 'SELECT')
               AND has_schema_privilege(r, 'regress_pgsr_many_s', 'USAGE'),
           has_table_privilege(r, 'regress_pgsr_many_s.u', 'SELECT')
               AND has_schema_privilege(r, 'regress_pgsr_many_s', 'USAGE'),
           has_table_privilege(r, 'regress_pgsr_many_s.o', 'SELECT')
               AND has_schema_privilege(r, 'regress_pgsr_many_s', 'USAGE'),
           has_database_privilege(r, current_database(), 'CONNECT'),
           (SELECT rolcanlogin FROM pg_roles WHERE rolname = r),
           (SELECT string_agg(m, ', ' ORDER BY m) FROM regress.member_of(r) AS m
             WHERE m NOT LIKE '\_pgsr\_%')
$$;
CREATE FUNCTION regress.many_advisory_locks() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
$$;
-- The documents of three roles, and how the roles start (some new, some
-- with a membership and privileges given by hand).
CREATE FUNCTION regress.many_docs(prefix text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        prefix || '1', jsonb_build_array(
            jsonb_build_object('type', 'schema_usage', 'schema', 'regress_pgsr_many_s'),
            jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_many_s', 'table_regex', '^[tu]$'),
            jsonb_build_object('type', 'role_membership', 'role', prefix || '2')),
        prefix || '2', jsonb_build_array(
            jsonb_build_object('type', 'login'),
            jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_many_s', 'table', 'o', 'direct', true),
            jsonb_build_object('type', 'role_membership', 'role', 'regress_pgsr_many_team')),
        prefix || '3', jsonb_build_array(
            jsonb_build_object('type', 'schema_create', 'schema', 'regress_pgsr_many_s'),
            jsonb_build_object('type', 'schema_usage', 'schema', 'regress_pgsr_many_s', 'direct', true)))
$$;
CREATE FUNCTION regress.many_start(prefix text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE ROLE %I', prefix || '3');
    EXECUTE format('GRANT regress_pgsr_many_team TO %I', prefix || '3');
    EXECUTE format('GRANT SELECT, INSERT ON regress_pgsr_many_s.t TO %I', prefix || '3');
    EXECUTE format('CREATE ROLE %I LOGIN', prefix || '2');
    EXECUTE format('GRANT UPDATE ON regress_pgsr_many_s.u TO %I', prefix || '2');
END $$;
-- A role's state with the prefix taken out of names, to compare the sets.
CREATE FUNCTION regress.many_state(prefix text) RETURNS TABLE (role text, what text) LANGUAGE sql AS $$
    SELECT replace(r.rolname, prefix, '*'), 'member of ' || replace(m, prefix, '*')
      FROM pg_roles r, regress.member_of(r.rolname) AS m WHERE r.rolname LIKE prefix || '_'
    UNION ALL
    SELECT replace(r.rolname, prefix, '*'), 'login ' || r.rolcanlogin FROM pg_roles r WHERE r.rolname LIKE prefix || '_'
    UNION ALL
    SELECT replace(r.rolname, prefix, '*'), p || ' on ' || c
      FROM pg_roles r, unnest(ARRAY['t', 'u', 'o']) AS c, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE']) AS p
     WHERE r.rolname LIKE prefix || '_' AND has_table_privilege(r.rolname, 'regress_pgsr_many_s.' || c, p)
    UNION ALL
    SELECT replace(r.rolname, prefix, '*'), p || ' on schema'
      FROM pg_roles r, unnest(ARRAY['USAGE', 'CREATE']) AS p
     WHERE r.rolname LIKE prefix || '_' AND has_schema_privilege(r.rolname, 'regress_pgsr_many_s', p)
$$;
-- The membership GRANTs and REVOKEs of sync_many's rows (as jsonb): what
-- they name before TO/FROM, and how many roles after.
CREATE FUNCTION regress.many_membership_statements(rows jsonb) RETURNS TABLE (action text, named text, members int)
LANGUAGE sql AS $$
    SELECT r ->> 'action', regexp_replace(regress.stable(r ->> 'statement'), '^(GRANT|REVOKE) (.*) (TO|FROM) .*$', '\1 \2 \3'),
           array_length(string_to_array(regexp_replace(regress.stable(r ->> 'statement'), '^.* (TO|FROM) ', ''), ', '), 1)
      FROM jsonb_array_elements(rows) AS r
     WHERE r ->> 'statement' ~ '^(GRANT|REVOKE) regress_pgsr_many_(group|team)'
     ORDER BY (r ->> 'step')::int
$$;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT current_database() AS db \gset
REVOKE CONNECT ON DATABASE :"db" FROM PUBLIC;
CREATE SCHEMA regress_pgsr_many_s;
CREATE TABLE regress_pgsr_many_s.t (x int);
INSERT INTO regress_pgsr_many_s.t VALUES (1);
CREATE TABLE regress_pgsr_many_s.u (y int);
INSERT INTO regress_pgsr_many_s.u VALUES (2);
-- A table owned by another role: granting on it takes its owner's rights,
-- lent to the caller for the call only.
CREATE TABLE regress_pgsr_many_s.o (z int);
INSERT INTO regress_pgsr_many_s.o VALUES (3);
\c - :su
ALTER TABLE regress_pgsr_many_s.o OWNER TO regress_pgsr_many_owner;
GRANT USAGE ON SCHEMA regress_pgsr_many_s TO regress_pgsr_many_owner;
\c - regress_pgsr_admin
SET client_min_messages = warning;
CREATE ROLE regress_pgsr_many_team;
SELECT regress.caller_in('regress_pgsr_many_owner') AS caller_in_owner_before;

-- Three new roles in one call.  Each row names the role of the request it
-- is about; NULL for a statement about none (a new intermediate role) or
-- several (one GRANT naming several members).
SELECT jsonb_build_object(
    'regress_pgsr_many_alice', jsonb_build_array(
        jsonb_build_object('type', 'login'),
        jsonb_build_object('type', 'database_connect', 'database', :'db'),
        jsonb_build_object('type', 'schema_usage', 'schema', 'regress_pgsr_many_s'),
        jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_many_s', 'table', 't'),
        jsonb_build_object('type', 'role_membership', 'role', 'regress_pgsr_many_team')),
    'regress_pgsr_many_bob', jsonb_build_array(
        jsonb_build_object('type', 'database_connect', 'database', :'db'),
        jsonb_build_object('type', 'schema_usage', 'schema', 'regress_pgsr_many_s'),
        jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_many_s', 'table', 'u', 'direct', true),
        jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_many_s', 'table', 'o', 'direct', true),
        jsonb_build_object('type', 'role_membership', 'role', 'regress_pgsr_many_team')),
    'regress_pgsr_many_carol', jsonb_build_array(
        jsonb_build_object('type', 'role_membership', 'role', 'regress_pgsr_many_group'))
) AS first \gset
-- (Membership grants not shown: 16+ grants intermediate roles apart, WITH
-- INHERIT TRUE; what each role holds is checked below.)
SELECT role, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync_many(:'first')
 WHERE action <> 'grant' OR statement LIKE '% ON %' ORDER BY step;
SELECT c.* FROM unnest(ARRAY['regress_pgsr_many_alice', 'regress_pgsr_many_bob', 'regress_pgsr_many_carol']) AS r,
                regress.many_can(r) AS c;
-- The caller holds no membership it did not hold before.
SELECT regress.caller_in('regress_pgsr_many_owner') AS caller_in_owner,
       regress.caller_in('regress_pgsr_many_group') AS caller_in_group;
\c - :su
SET ROLE regress_pgsr_many_alice;
SELECT x FROM regress_pgsr_many_s.t;
SELECT y FROM regress_pgsr_many_s.u;
SET ROLE regress_pgsr_many_bob;
SELECT y, z FROM regress_pgsr_many_s.u, regress_pgsr_many_s.o;
SELECT x FROM regress_pgsr_many_s.t;
RESET ROLE;
-- alice logs in (Unix socket, trust); passwords over TCP are in test/login.
\c - regress_pgsr_many_alice
SELECT current_user;
\c - regress_pgsr_admin
SET client_min_messages = warning;

-- Matching already: no rows, and no lock taken.
BEGIN;
SELECT count(*) AS changes FROM pg_sync_roles.sync_many(:'first');
SELECT regress.many_advisory_locks() AS locks_after_noop;
COMMIT;
-- ... and each role synced alone has nothing to do either.
SELECT r AS role, (SELECT count(*) FROM pg_sync_roles.plan(r, :'first'::jsonb -> r)) AS changes
  FROM jsonb_object_keys(:'first') AS r ORDER BY 1;

-- Changes: plan_many shows them, changes nothing and takes no lock ...
SELECT jsonb_build_object(
    'regress_pgsr_many_alice', jsonb_build_array(
        jsonb_build_object('type', 'schema_usage', 'schema', 'regress_pgsr_many_s'),
        jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_many_s', 'table', 'u')),
    'regress_pgsr_many_bob', jsonb_build_array(
        jsonb_build_object('type', 'login'),
        jsonb_build_object('type', 'database_connect', 'database', :'db'),
        jsonb_build_object('type', 'role_membership', 'role', 'regress_pgsr_many_group')),
    'regress_pgsr_many_carol', '[]'::jsonb
) AS second \gset
BEGIN;
CREATE TEMP TABLE planned ON COMMIT DROP AS
    SELECT step, role, action, regress.stable(statement) AS statement FROM pg_sync_roles.plan_many(:'second');
SELECT role, action, statement FROM planned WHERE action <> 'grant' OR statement LIKE '% ON %' ORDER BY step;
SELECT regress.many_advisory_locks() AS locks_after_plan;
SELECT c.* FROM unnest(ARRAY['regress_pgsr_many_alice', 'regress_pgsr_many_bob', 'regress_pgsr_many_carol']) AS r,
                regress.many_can(r) AS c;
-- ... and sync_many runs exactly those, holding the lock (key 1 by default)
-- to the end of the transaction.
CREATE TEMP TABLE synced ON COMMIT DROP AS
    SELECT step, role, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync_many(:'second');
SELECT count(*) AS statements, (SELECT count(*) FROM (TABLE planned EXCEPT TABLE synced
                                                      UNION ALL (TABLE synced EXCEPT TABLE planned)) d) AS differences
  FROM synced;
SELECT objid AS key, mode, granted FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;
-- What was declared away is gone: alice reads u but no longer t, is no
-- longer in team, cannot connect or log in; bob reads neither u nor o;
-- carol is in no role.
SELECT c.* FROM unnest(ARRAY['regress_pgsr_many_alice', 'regress_pgsr_many_bob', 'regress_pgsr_many_carol']) AS r,
                regress.many_can(r) AS c;
\c - :su
SET ROLE regress_pgsr_many_alice;
SELECT y FROM regress_pgsr_many_s.u;
SELECT x FROM regress_pgsr_many_s.t;
SET ROLE regress_pgsr_many_bob;
SELECT y FROM regress_pgsr_many_s.u;
SELECT z FROM regress_pgsr_many_s.o;
RESET ROLE;
\c - regress_pgsr_many_bob
SELECT current_user;
\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT regress.caller_in('regress_pgsr_many_owner') AS caller_in_owner,
       regress.caller_in('regress_pgsr_many_group') AS caller_in_group;

-- Another lock key, as sync's.
BEGIN;
SELECT count(*) AS changes FROM pg_sync_roles.sync_many('{"regress_pgsr_many_carol": [{"type": "login"}]}', '{}', 4244);
SELECT objid AS key FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;
-- Named arguments, as documented; an empty object is no roles, no rows.
SELECT count(*) AS changes FROM pg_sync_roles.plan_many(roles => '{"regress_pgsr_many_carol": []}', lock_key => 7,
                                                        preserve_existing_grants_in_schemas => '{}');
SELECT count(*) AS changes FROM pg_sync_roles.sync_many('{}');

-- A password is hashed in the server and shown redacted.
SELECT step, role, action, regress.stable(statement) AS statement FROM pg_sync_roles.sync_many(
    '{"regress_pgsr_many_carol": [{"type": "login", "password": "carol''s secret", "valid_until": "2031-01-01 00:00:00+00"}],
      "regress_pgsr_many_dave": [{"type": "login", "password": null}]}');
\c - :su
SELECT rolname, rolcanlogin, coalesce(rolpassword LIKE 'SCRAM-SHA-256$%', false) AS scram,
       rolvaliduntil = 'infinity' AS forever
  FROM pg_authid WHERE rolname IN ('regress_pgsr_many_carol', 'regress_pgsr_many_dave') ORDER BY 1;
\c - regress_pgsr_admin
SET client_min_messages = warning;

-- The same documents synced role by role reach the same end state.  Two
-- sets of roles start alike; one set is synced by sync_many, the other by
-- sync, role by role.
SELECT regress.many_start('regress_pgsr_many_a'), regress.many_start('regress_pgsr_many_b');
-- (Membership grants not shown: 16+ grants intermediate roles apart, WITH
-- INHERIT TRUE; what each role holds is checked below.)
SELECT role, action, regress.stable(statement) AS statement
  FROM pg_sync_roles.sync_many(regress.many_docs('regress_pgsr_many_a'))
 WHERE action <> 'grant' OR statement LIKE '% ON %' ORDER BY step;
SELECT r AS role, (SELECT count(*) FROM pg_sync_roles.sync(r, regress.many_docs('regress_pgsr_many_b') -> r)) > 0 AS changed
  FROM jsonb_object_keys(regress.many_docs('regress_pgsr_many_b')) AS r ORDER BY 1;
SELECT * FROM regress.many_state('regress_pgsr_many_a') ORDER BY 1, 2;
SELECT count(*) AS differences FROM (
    (SELECT * FROM regress.many_state('regress_pgsr_many_a') EXCEPT SELECT * FROM regress.many_state('regress_pgsr_many_b'))
    UNION ALL
    (SELECT * FROM regress.many_state('regress_pgsr_many_b') EXCEPT SELECT * FROM regress.many_state('regress_pgsr_many_a'))) d;
SELECT count(*) AS changes FROM pg_sync_roles.plan_many(regress.many_docs('regress_pgsr_many_a') || regress.many_docs('regress_pgsr_many_b'));

-- Membership GRANTs and REVOKEs name many roles on both sides of TO/FROM,
-- at most 500 on each side of one statement: 600 new members of the same two
-- roles take two GRANTs, of 500 and 100 members.
SELECT jsonb_object_agg('regress_pgsr_many_n' || i, '[{"type": "role_membership", "role": "regress_pgsr_many_team"},
                                                       {"type": "role_membership", "role": "regress_pgsr_many_group"}]'::jsonb) AS six
  FROM generate_series(1, 600) AS i \gset
SELECT * FROM regress.many_membership_statements((SELECT jsonb_agg(to_jsonb(s)) FROM pg_sync_roles.sync_many(:'six') AS s));
SELECT count(*) AS members_of_both FROM pg_roles
 WHERE rolname LIKE 'regress\_pgsr\_many\_n%' AND pg_has_role(rolname, 'regress_pgsr_many_team', 'MEMBER')
   AND pg_has_role(rolname, 'regress_pgsr_many_group', 'MEMBER');
-- Taken away, the same way.
SELECT * FROM regress.many_membership_statements((SELECT jsonb_agg(to_jsonb(s)) FROM pg_sync_roles.sync_many(
    (SELECT jsonb_object_agg('regress_pgsr_many_n' || i, '[]'::jsonb) FROM generate_series(1, 600) AS i)) AS s));
SELECT count(*) AS members_left FROM pg_auth_members
 WHERE member IN (SELECT oid FROM pg_roles WHERE rolname LIKE 'regress\_pgsr\_many\_n%');

-- All or nothing.  An error in one role's document names the role and the
-- element, and nothing is done for the others.
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync_many('{
    "regress_pgsr_many_new": [{"type": "login"}],
    "regress_pgsr_many_zed": [{"type": "schema_usage", "schema": "s"}, {"type": "schema_usage", "schema": 1}]}')$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync_many('{"regress_pgsr_many_new": [],
    "regress_pgsr_many_zed": [{"type": "table_select", "schema": "s", "table_regex": "(("}]}')$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync_many('{"regress_pgsr_many_new": [],
    "regress_pgsr_many_zed": [{"type": "login", "valid_until": "someday"}]}')$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync_many('{"regress_pgsr_many_zed": [{"type": "login"}, {"type": "login"}]}')$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.plan_many('{"regress_pgsr_many_zed": {"type": "login"}}')$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.plan_many('[{"type": "login"}]')$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.plan_many(('{"' || repeat('x', 64) || '": []}')::jsonb)$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.plan_many('{"": []}')$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.plan_many('{"pg_monitor": []}')$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.plan_many('{"regress_pgsr_admin": []}')$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.plan_many(NULL)$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.plan_many('{}', NULL)$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.plan_many('{}', '{}', NULL)$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync_many('{"regress_pgsr_many_new": [],
    "regress_pgsr_many_zed": [{"type": "schema_ownership", "schema": "regress_pgsr_many_x"}],
    "regress_pgsr_many_alice": [{"type": "schema_ownership", "schema": "regress_pgsr_many_x"}]}')$$);
-- Roles of the request members of each other: refused up front, naming the
-- element that closes the circle.
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync_many('{
    "regress_pgsr_many_new": [{"type": "role_membership", "role": "regress_pgsr_many_zed"}],
    "regress_pgsr_many_zed": [{"type": "role_membership", "role": "regress_pgsr_many_yan"}],
    "regress_pgsr_many_yan": [{"type": "role_membership", "role": "regress_pgsr_many_new"}]}')$$);
-- A change the caller could not make by hand, in one role's document.
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync_many('{
    "regress_pgsr_many_new": [{"type": "login"}],
    "regress_pgsr_many_alice": [],
    "regress_pgsr_many_zed": [{"type": "role_membership", "role": "regress_pgsr_many_super"}]}')$$);
-- An error PostgreSQL raises half way through (granting loop to its own
-- member): what ran before it is undone.
CREATE ROLE regress_pgsr_many_loop;
GRANT regress_pgsr_many_bob TO regress_pgsr_many_loop;
SELECT left(regress.error_of($$SELECT * FROM pg_sync_roles.sync_many('{
    "regress_pgsr_many_new": [{"type": "login"}],
    "regress_pgsr_many_alice": [],
    "regress_pgsr_many_bob": [{"type": "role_membership", "role": "regress_pgsr_many_loop"}]}')$$), 5) AS sqlstate;
SELECT count(*) AS new_roles FROM pg_roles WHERE rolname IN ('regress_pgsr_many_new', 'regress_pgsr_many_zed', 'regress_pgsr_many_yan');
SELECT c.* FROM unnest(ARRAY['regress_pgsr_many_alice', 'regress_pgsr_many_bob']) AS r, regress.many_can(r) AS c;

DROP SCHEMA regress_pgsr_many_s CASCADE;
\c - :su
SET client_min_messages = warning;
SELECT regress.drop_roles('regress\_pgsr\_many\_%');
SELECT regress.drop_roles('\_pgsr\_%');
DROP FUNCTION regress.many_can, regress.many_advisory_locks, regress.many_docs, regress.many_start,
              regress.many_state, regress.many_membership_statements;
SELECT format('GRANT CONNECT ON DATABASE %I TO PUBLIC', current_database()) \gexec
