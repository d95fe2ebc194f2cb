-- Catalog reads of a large request (sync_many / plan_many naming at least
-- 16 roles, or 16 tables of one schema, or touching 16 relations): the sorted
-- keys are looked up in one walk of each catalog index, from the first key to
-- the last, descending again past a run of more than 32 entries of no key
-- (merge_walk, src/pg/catalogs.cpp); where the index may not be read
-- (ignore_system_indexes, which any user may set when connecting), in a scan
-- of the whole catalog or one syscache lookup per key.  A walk that skipped
-- an entry, or kept one of another key, would leave a target with access its
-- document does not give, without access it does, or take access from a
-- role outside the request.  So the targets sit among roles and tables
-- outside every request ("noise") that come between them in each index read:
-- by name (pg_authid; pg_class, whose index is on (name, schema), with
-- tables of the same names in another schema), by oid (pg_authid,
-- pg_auth_members by member, pg_shdepend by role, pg_attribute by table), in
-- runs longer than 32 entries, of exactly 32, shorter, or none; the first
-- and last keys are an upper-case and a non-ASCII name.  The documents use
-- table_select (direct or not, on tables that exist, are missing, or exist
-- only in the other schema), schema_usage, role_membership, database_connect
-- and login; the targets start with grants and memberships by hand that
-- they do not declare, column privileges among them (one on a column since
-- dropped).  Checked: what each target can do (has_*_privilege,
-- pg_has_role), against its document, after a sync_many that walks the
-- indexes and after one without them; that each path then finds nothing to
-- do in the state the other left; and that the noise roles' grants,
-- memberships and access are as they were.
\set su :USER
SET client_min_messages = warning;
-- Helpers, made by the superuser in schema regress (they outlive \c).
-- Target i (0 to 47), with an upper-case name first and a non-ASCII one
-- last in the index order of names ("C").  Those before 45 exist before the
-- first sync if i % 4 <> 0, and target 0.
CREATE FUNCTION regress.bulk_target(i int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE i WHEN 0 THEN 'regress_pgsr_bulk_T_00' WHEN 47 THEN 'regress_pgsr_bulk_t_é'
                  ELSE 'regress_pgsr_bulk_t_' || lpad(i::text, 2, '0') END
$$;
CREATE FUNCTION regress.bulk_target_exists(i int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT i <= 44 AND (i % 4 <> 0 OR i = 0)
$$;
-- How many noise roles follow target i, by name and by oid: runs longer
-- than 32, of exactly 32, shorter, none.
CREATE FUNCTION regress.bulk_noise_roles(i int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT (ARRAY[40, 33, 3, 0, 32, 1])[i % 6 + 1]
$$;
CREATE FUNCTION regress.bulk_group(g int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT 'regress_pgsr_bulk_g_' || lpad(g::text, 2, '0')
$$;
-- Table j (0 to 46, taken modulo 47); each of schema b, and of schema a
-- unless j % 5 = 0 (then a document names it in a, where it is missing,
-- and its namesake in b must not be taken for it).
CREATE FUNCTION regress.bulk_table(j int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE j % 47 WHEN 0 THEN 'Tab_A' WHEN 46 THEN 'tab_é' ELSE 'tab_' || lpad((j % 47)::text, 2, '0') END
$$;
CREATE FUNCTION regress.bulk_table_in_a(j int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT j % 47 % 5 <> 0 OR j % 47 = 0
$$;
-- Noise tables following table j by name (and by oid): n in schema a, and
-- in b too where in_b: in pg_class's name index 34, 33, 32, 20 or 2 entries
-- between two declared tables.
CREATE FUNCTION regress.bulk_noise_tables(j int, OUT n int, OUT in_b boolean) LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE j WHEN 0 THEN 17 WHEN 3 THEN 33 WHEN 11 THEN 16 WHEN 20 THEN 20
                  ELSE CASE WHEN j % 5 = 1 THEN 2 ELSE 0 END END,
           j IN (0, 11)
$$;
-- The documents: phase 1, then phase 2, which takes some grants away and
-- adds others.
CREATE FUNCTION regress.bulk_doc(phase int) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_object_agg(regress.bulk_target(i), (
        SELECT coalesce(jsonb_agg(x.e ORDER BY x.n), '[]')
          FROM (VALUES
            (1, phase = 1, jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_bulk_a',
                                              'table', regress.bulk_table(i), 'direct', i % 3 = 0)),
            (2, true, jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_bulk_a',
                                         'table', regress.bulk_table(i + 1), 'direct', phase = 2 AND i % 3 = 1)),
            (3, phase = 2, jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_bulk_a',
                                              'table', regress.bulk_table(i + 3))),
            (4, phase = 2 AND i % 4 = 0, jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_bulk_b',
                                                            'table', regress.bulk_table(i))),
            (5, i % 2 = 2 - phase, jsonb_build_object('type', 'schema_usage', 'schema', 'regress_pgsr_bulk_a')),
            (6, CASE phase WHEN 1 THEN i % 7 = 0 ELSE i % 4 = 0 END,
             jsonb_build_object('type', 'schema_usage', 'schema', 'regress_pgsr_bulk_b', 'direct', phase = 1)),
            (7, true, jsonb_build_object('type', 'role_membership', 'role',
                                         regress.bulk_group(CASE phase WHEN 1 THEN i ELSE i + 3 END % 10 + 1))),
            (8, phase = 2 AND i % 5 = 0, jsonb_build_object('type', 'role_membership', 'role', regress.bulk_group(11))),
            (9, CASE phase WHEN 1 THEN i % 3 <> 2 ELSE i % 3 <> 0 END,
             jsonb_build_object('type', 'database_connect', 'database', current_database())),
            (10, i % 2 = phase - 1, jsonb_build_object('type', 'login'))) AS x(n, keep, e)
         WHERE x.keep))
      FROM generate_series(0, 47) AS i
     WHERE phase = 2 OR i NOT IN (45, 46)
$$;
-- What each role of a document can do that the document does not say, and
-- what it says that the role cannot do (no rows: exactly as declared), over
-- every table of both schemas (the noise tables too), both schemas, every
-- group, the database and LOGIN; and how it holds a table: directly where
-- "direct", otherwise through one intermediate role for each grant.  (The
-- privilege checks are made role by role: the server caches the roles whose
-- privileges one role uses, for one role at a time.  Without JIT: compiling
-- the query would take longer than running it.)
CREATE FUNCTION regress.bulk_mismatches(doc jsonb) RETURNS TABLE (role text, what text, declared boolean, actual boolean)
LANGUAGE sql SET jit = off AS $$
    WITH t AS MATERIALIZED (
            SELECT d.key AS r, a.oid AS roid, a.rolcanlogin
              FROM jsonb_each(doc) AS d LEFT JOIN pg_roles a ON a.rolname = d.key),
         e AS MATERIALIZED (
            SELECT d.key AS r, x ->> 'type' AS type, coalesce(x ->> 'schema', '') AS schema,
                   coalesce(x ->> 'table', x ->> 'role', '') AS name, coalesce((x ->> 'direct')::boolean, false) AS direct
              FROM jsonb_each(doc) AS d, jsonb_array_elements(d.value) AS x),
         tabs AS MATERIALIZED (
            SELECT c.oid, n.nspname::text AS schema, c.relname::text AS name, c.relacl
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname IN ('regress_pgsr_bulk_a', 'regress_pgsr_bulk_b') AND c.relkind = 'r'),
         -- Each existing target with each table, group and schema: whether
         -- its document names it.
         pairs AS MATERIALIZED (
            SELECT t.r, t.roid, 'table' AS kind, tabs.oid AS obj, tabs.schema || '.' || tabs.name AS label, tabs.relacl,
                   e.r IS NOT NULL AS declared, coalesce(e.direct, false) AS direct
              FROM t CROSS JOIN tabs
                   LEFT JOIN e ON e.r = t.r AND e.type = 'table_select' AND e.schema = tabs.schema AND e.name = tabs.name
             WHERE t.roid IS NOT NULL
            UNION ALL
            SELECT t.r, t.roid, 'group', g.oid, g.rolname, NULL, e.r IS NOT NULL, false
              FROM t CROSS JOIN pg_roles g LEFT JOIN e ON e.r = t.r AND e.type = 'role_membership' AND e.name = g.rolname
             WHERE t.roid IS NOT NULL AND g.rolname ~ '^regress_pgsr_bulk_[gh]_'
            UNION ALL
            SELECT t.r, t.roid, 'schema', n.oid, n.nspname, NULL, e.r IS NOT NULL, false
              FROM t CROSS JOIN pg_namespace n LEFT JOIN e ON e.r = t.r AND e.type = 'schema_usage' AND e.schema = n.nspname
             WHERE t.roid IS NOT NULL AND n.nspname IN ('regress_pgsr_bulk_a', 'regress_pgsr_bulk_b')
            ORDER BY 2),
         checks AS (
            SELECT t.r, 'exists' AS what, true AS declared, t.roid IS NOT NULL AS actual FROM t
            UNION ALL
            SELECT t.r, 'login', EXISTS (SELECT FROM e WHERE e.r = t.r AND e.type = 'login'), t.rolcanlogin
              FROM t WHERE t.roid IS NOT NULL
            UNION ALL
            SELECT t.r, 'connect', EXISTS (SELECT FROM e WHERE e.r = t.r AND e.type = 'database_connect'),
                   has_database_privilege(t.roid, current_database(), 'CONNECT')
              FROM t WHERE t.roid IS NOT NULL
            UNION ALL
            SELECT e.r, 'group exists: ' || e.name, true, EXISTS (SELECT FROM pg_roles WHERE rolname = e.name)
              FROM e WHERE e.type = 'role_membership'
            UNION ALL
            SELECT t.r, 'member of a role other than the groups and intermediate roles', false,
                   EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles o ON o.oid = m.roleid
                            WHERE m.member = t.roid AND o.rolname !~ '^(regress_pgsr_bulk_[gh]_|_pgsr_)')
              FROM t WHERE t.roid IS NOT NULL
            UNION ALL
            SELECT t.r, format('intermediate roles: %s declared, %s held', k.declared, k.held), true, k.declared = k.held
              FROM t CROSS JOIN LATERAL (
                    SELECT (SELECT count(*) FROM e
                             WHERE e.r = t.r AND NOT e.direct
                               AND (e.type IN ('database_connect', 'schema_usage')
                                    OR (e.type = 'table_select'
                                        AND EXISTS (SELECT FROM tabs WHERE tabs.schema = e.schema AND tabs.name = e.name))))
                               AS declared,
                           (SELECT count(*) FROM pg_auth_members m JOIN pg_roles o ON o.oid = m.roleid
                             WHERE m.member = t.roid AND o.rolname LIKE '\_pgsr\_%') AS held) AS k
             WHERE t.roid IS NOT NULL
            UNION ALL
            SELECT p.r, x.what || ' ' || p.label, x.declared, x.actual
              FROM pairs p CROSS JOIN LATERAL (
                    SELECT 'SELECT on', p.declared, has_table_privilege(p.roid, p.obj, 'SELECT') WHERE p.kind = 'table'
                    UNION ALL
                    SELECT 'SELECT on a column of', p.declared, has_any_column_privilege(p.roid, p.obj, 'SELECT')
                     WHERE p.kind = 'table'
                    UNION ALL
                    SELECT 'another privilege on', false,
                           has_table_privilege(p.roid, p.obj, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                           OR has_any_column_privilege(p.roid, p.obj, 'INSERT, UPDATE, REFERENCES')
                     WHERE p.kind = 'table'
                    UNION ALL
                    SELECT 'a privilege held directly on', p.declared AND p.direct,
                           EXISTS (SELECT FROM aclexplode(p.relacl) a WHERE a.grantee = p.roid)
                     WHERE p.kind = 'table'
                    UNION ALL
                    SELECT 'member of', p.declared, pg_has_role(p.roid, p.obj, 'MEMBER') AND pg_has_role(p.roid, p.obj, 'USAGE')
                     WHERE p.kind = 'group'
                    UNION ALL
                    SELECT 'USAGE on schema', p.declared, has_schema_privilege(p.roid, p.obj, 'USAGE') WHERE p.kind = 'schema'
                    UNION ALL
                    SELECT 'CREATE on schema', false, has_schema_privilege(p.roid, p.obj, 'CREATE') WHERE p.kind = 'schema'
                   ) AS x(what, declared, actual))
    SELECT * FROM checks WHERE declared IS DISTINCT FROM actual ORDER BY r COLLATE "C", what COLLATE "C"
$$;
-- The grants and memberships of every noise role.
CREATE FUNCTION regress.bulk_is_noise(role oid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT pg_get_userbyid(role) ~ '^regress_pgsr_bulk_[tT]_.*_n[0-9]+$'
$$;
CREATE FUNCTION regress.bulk_noise() RETURNS TABLE (role text, what text) LANGUAGE sql SET jit = off AS $$
    SELECT rolname, 'login ' || rolcanlogin FROM pg_roles WHERE regress.bulk_is_noise(oid)
    UNION ALL
    SELECT pg_get_userbyid(member), 'member of ' || pg_get_userbyid(roleid) || ' admin ' || admin_option
                                    || ' by ' || pg_get_userbyid(grantor)
      FROM pg_auth_members WHERE regress.bulk_is_noise(member)
    UNION ALL
    SELECT pg_get_userbyid(a.grantee), a.privilege_type || ' on ' || c.oid::regclass || ' by ' || pg_get_userbyid(a.grantor)
                                       || ' ' || a.is_grantable
      FROM pg_class c CROSS JOIN aclexplode(c.relacl) a
     WHERE c.relnamespace::regnamespace::text IN ('regress_pgsr_bulk_a', 'regress_pgsr_bulk_b') AND regress.bulk_is_noise(a.grantee)
    UNION ALL
    SELECT pg_get_userbyid(a.grantee), a.privilege_type || ' on ' || c.oid::regclass || ' (' || t.attname || ') by '
                                       || pg_get_userbyid(a.grantor)
      FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid CROSS JOIN aclexplode(t.attacl) a
     WHERE c.relnamespace::regnamespace::text IN ('regress_pgsr_bulk_a', 'regress_pgsr_bulk_b')
       AND t.attnum > 0 AND NOT t.attisdropped AND regress.bulk_is_noise(a.grantee)
    UNION ALL
    SELECT pg_get_userbyid(a.grantee), a.privilege_type || ' on schema ' || s.nspname || ' by ' || pg_get_userbyid(a.grantor)
      FROM pg_namespace s CROSS JOIN aclexplode(s.nspacl) a WHERE regress.bulk_is_noise(a.grantee)
    UNION ALL
    SELECT pg_get_userbyid(a.grantee), a.privilege_type || ' on the database by ' || pg_get_userbyid(a.grantor)
      FROM pg_database d CROSS JOIN aclexplode(d.datacl) a
     WHERE d.datname = current_database() AND regress.bulk_is_noise(a.grantee)
    UNION ALL
    -- What the first noise role of each target can do, through the
    -- intermediate roles it shares with the targets (synced below).
    SELECT r.rolname, x.can
      FROM pg_roles r CROSS JOIN LATERAL (
            SELECT 'can SELECT ' || c.oid::regclass FROM pg_class c
             WHERE c.relnamespace::regnamespace::text IN ('regress_pgsr_bulk_a', 'regress_pgsr_bulk_b')
               AND c.relkind = 'r' AND has_table_privilege(r.oid, c.oid, 'SELECT')
            UNION ALL
            SELECT 'can use ' || s FROM unnest(ARRAY['regress_pgsr_bulk_a', 'regress_pgsr_bulk_b']) AS s
             WHERE has_schema_privilege(r.oid, s, 'USAGE')
            UNION ALL
            SELECT 'can connect' WHERE has_database_privilege(r.oid, current_database(), 'CONNECT')) AS x(can)
     WHERE regress.bulk_is_noise(r.oid) AND r.rolname LIKE '%\_n01'
$$;

\c - regress_pgsr_admin
SET client_min_messages = warning;
SELECT current_database() AS db \gset
REVOKE CONNECT ON DATABASE :"db" FROM PUBLIC;
CREATE SCHEMA regress_pgsr_bulk_a;
CREATE SCHEMA regress_pgsr_bulk_b;
CREATE SCHEMA regress_pgsr_bulk_keep;
-- Tables in the order of their names, each followed by its noise tables,
-- so that oids interleave as names do.  Table 7 had a column with column
-- privileges, now dropped.
DO $$
DECLARE
    t text;
    noise record;
BEGIN
    FOR j IN 0..46 LOOP
        t := regress.bulk_table(j);
        IF regress.bulk_table_in_a(j) THEN
            EXECUTE format('CREATE TABLE regress_pgsr_bulk_a.%I (a int, b int)', t);
        END IF;
        EXECUTE format('CREATE TABLE regress_pgsr_bulk_b.%I (a int, b int)', t);
        noise := regress.bulk_noise_tables(j);
        FOR x IN 1..noise.n LOOP
            EXECUTE format('CREATE TABLE regress_pgsr_bulk_a.%I (a int, b int)', t || '_n' || lpad(x::text, 2, '0'));
            IF noise.in_b THEN
                EXECUTE format('CREATE TABLE regress_pgsr_bulk_b.%I (a int, b int)', t || '_n' || lpad(x::text, 2, '0'));
            END IF;
        END LOOP;
    END LOOP;
END $$;
ALTER TABLE regress_pgsr_bulk_a.tab_07 ADD COLUMN c int;
-- Groups, and the roles: target i (if it exists yet) and its own group
-- h_i, then its noise roles.  What each target has by hand, its document
-- does not say (or not all of it); the noise roles are members of the same
-- groups and hold privileges on the same tables.  The noise roles are made
-- by the superuser, but for those synced below: from PostgreSQL 16 on the
-- caller is a member (with ADMIN OPTION) of each role it makes, and the
-- server would walk all those memberships at each of its privilege checks.
\c - :su
SET client_min_messages = warning;
DO $$
DECLARE
    t text;
    n text;
    h text;
    admin text := 'SET ROLE regress_pgsr_admin';
BEGIN
    EXECUTE admin;
    FOR g IN 1..8 LOOP
        EXECUTE format('CREATE ROLE %I', regress.bulk_group(g));
    END LOOP;
    RESET ROLE;
    FOR i IN 0..47 LOOP
        t := regress.bulk_target(i);
        h := 'regress_pgsr_bulk_h_' || lpad(i::text, 2, '0');
        IF regress.bulk_target_exists(i) THEN
            EXECUTE admin;
            EXECUTE format('CREATE ROLE %I %s', t, CASE WHEN i % 3 = 0 THEN 'LOGIN' ELSE '' END);
            EXECUTE format('CREATE ROLE %I', h);
            EXECUTE format('GRANT %I, %I TO %I', h, regress.bulk_group((i + 5) % 8 + 1), t);
            IF regress.bulk_table_in_a(i) THEN
                EXECUTE format('GRANT SELECT, INSERT ON regress_pgsr_bulk_a.%I TO %I', regress.bulk_table(i), t);
            END IF;
            IF (regress.bulk_noise_tables(i)).n > 0 THEN
                EXECUTE format('GRANT SELECT ON regress_pgsr_bulk_a.%I TO %I', regress.bulk_table(i) || '_n01', t);
            END IF;
            IF regress.bulk_table_in_a(i + 2) THEN
                EXECUTE format('GRANT SELECT (b), UPDATE (a) ON regress_pgsr_bulk_a.%I TO %I', regress.bulk_table(i + 2), t);
            END IF;
            EXECUTE format('GRANT UPDATE (b) ON regress_pgsr_bulk_b.%I TO %I', regress.bulk_table(i), t);
            IF i % 3 = 1 THEN
                EXECUTE format('GRANT USAGE ON SCHEMA regress_pgsr_bulk_b TO %I', t);
                EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), t);
            END IF;
            RESET ROLE;
        END IF;
        FOR j IN 1..regress.bulk_noise_roles(i) LOOP
            n := t || '_n' || lpad(j::text, 2, '0');
            IF j = 1 AND i % 2 = 0 THEN
                EXECUTE admin;
            END IF;
            EXECUTE format('CREATE ROLE %I %s', n, CASE WHEN j % 4 = 0 THEN 'LOGIN' ELSE '' END);
            EXECUTE format('GRANT %I TO %I', regress.bulk_group((i + j) % 8 + 1), n);
            IF j % 2 = 1 THEN
                EXECUTE format('GRANT %I TO %I', CASE WHEN regress.bulk_target_exists(i) THEN h
                                                      ELSE regress.bulk_group((i + j + 1) % 8 + 1) END, n);
            END IF;
            IF j % 2 = 0 THEN
                EXECUTE format('GRANT SELECT ON %I.%I TO %I',
                               CASE WHEN regress.bulk_table_in_a(i) THEN 'regress_pgsr_bulk_a' ELSE 'regress_pgsr_bulk_b' END,
                               regress.bulk_table(i), n);
            END IF;
            IF j % 3 = 0 THEN
                EXECUTE format('GRANT SELECT (a) ON regress_pgsr_bulk_b.%I TO %I', regress.bulk_table(i + 1), n);
            END IF;
            IF j % 5 = 0 THEN
                EXECUTE format('GRANT UPDATE ON regress_pgsr_bulk_b.%I TO %I', regress.bulk_table(i), n);
                EXECUTE format('GRANT USAGE ON SCHEMA regress_pgsr_bulk_a TO %I', n);
            END IF;
            IF j % 7 = 0 THEN
                EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), n);
            END IF;
            RESET ROLE;
        END LOOP;
    END LOOP;
END $$;
-- The catalog pass scans a whole shared catalog instead of walking its
-- index where that costs less, by its statistics: these are made to count
-- the noise (the walks are what this file tests; the whole scans are tested
-- below, without indexes, where the server's own lookups scan the catalogs
-- too: the dead rows the tests before left in them are cleared first).
VACUUM (ANALYZE) pg_catalog.pg_authid, pg_catalog.pg_auth_members, pg_catalog.pg_shdepend;
\c - regress_pgsr_admin
SET client_min_messages = warning;
-- A column privilege on a column since dropped: it grants nothing and has
-- no name to revoke it by (PostgreSQL 15 keeps it in pg_attribute).
GRANT SELECT (c) ON regress_pgsr_bulk_a.tab_07 TO regress_pgsr_bulk_t_07, regress_pgsr_bulk_t_07_n01;
ALTER TABLE regress_pgsr_bulk_a.tab_07 DROP COLUMN c;
-- Some noise roles synced too: they share the targets' intermediate roles.
SELECT count(*) > 0 AS noise_synced FROM pg_sync_roles.sync_many((
    SELECT jsonb_object_agg(regress.bulk_target(i) || '_n01', jsonb_build_array(
               jsonb_build_object('type', 'table_select', 'schema', 'regress_pgsr_bulk_a', 'table', regress.bulk_table(i + 1)),
               jsonb_build_object('type', 'database_connect', 'database', current_database()),
               jsonb_build_object('type', 'role_membership', 'role', regress.bulk_group(i % 8 + 1))))
      FROM generate_series(0, 47) AS i WHERE i % 2 = 0));

-- The noise, before: how much of it there is.
CREATE TABLE regress_pgsr_bulk_keep.noise AS SELECT * FROM regress.bulk_noise();
SELECT count(DISTINCT role) AS roles, count(*) FILTER (WHERE what LIKE 'member of %') AS memberships,
       count(*) FILTER (WHERE what ~ '^[A-Z]+ on ' AND what NOT LIKE '% (%) by %') AS privileges,
       count(*) FILTER (WHERE what LIKE '% (%) by %') AS column_privileges,
       count(*) FILTER (WHERE what LIKE 'can %') AS can
  FROM regress_pgsr_bulk_keep.noise;
SELECT count(*) AS tables, count(*) FILTER (WHERE relname ~ '_n[0-9]+$') AS noise_tables
  FROM pg_class WHERE relnamespace IN ('regress_pgsr_bulk_a'::regnamespace, 'regress_pgsr_bulk_b'::regnamespace);

-- Phase 1: 46 targets, 12 of them new.  Before, what differs from their
-- documents:
SELECT count(DISTINCT role) AS targets, count(*) AS mismatches FROM regress.bulk_mismatches(regress.bulk_doc(1));
SELECT count(*) > 0 AS changed, array_agg(DISTINCT action ORDER BY action) AS actions
  FROM pg_sync_roles.sync_many(regress.bulk_doc(1));
-- Each target exactly as declared, the noise as it was.
SELECT * FROM regress.bulk_mismatches(regress.bulk_doc(1));
SELECT count(*) AS noise_differences FROM (
    (TABLE regress_pgsr_bulk_keep.noise EXCEPT SELECT * FROM regress.bulk_noise())
    UNION ALL
    (SELECT * FROM regress.bulk_noise() EXCEPT TABLE regress_pgsr_bulk_keep.noise)) d;
-- Nothing left to do.
SELECT count(*) AS changes FROM pg_sync_roles.sync_many(regress.bulk_doc(1));
SELECT count(*) AS planned FROM pg_sync_roles.plan_many(regress.bulk_doc(1));

-- Phase 2, without the catalogs' indexes: ignore_system_indexes, which any
-- user may set when connecting.  The catalog pass reads the whole catalog,
-- or the syscache (which then reads it without the index), instead of
-- walking the index, and finds the same state.  (PostgreSQL warns whenever
-- it still reads an index, a TOAST table's or for an ordered scan, at points
-- that differ between versions: not shown.)
\c -reuse-previous=on "options=-cignore_system_indexes=on user=regress_pgsr_admin"
SET client_min_messages = error;
SHOW ignore_system_indexes;
SELECT count(*) AS planned FROM pg_sync_roles.plan_many(regress.bulk_doc(1));
-- Grants made by hand since phase 1, which phase 2 does not declare either:
-- column privileges, a privilege on a noise table, a membership.
DO $$
DECLARE
    t text;
BEGIN
    FOR i IN 2..47 BY 3 LOOP
        CONTINUE WHEN i IN (45, 46);
        t := regress.bulk_target(i);
        IF regress.bulk_table_in_a(i + 5) THEN
            EXECUTE format('GRANT SELECT (b) ON regress_pgsr_bulk_a.%I TO %I', regress.bulk_table(i + 5), t);
        END IF;
        EXECUTE format('GRANT UPDATE (a), REFERENCES (b) ON regress_pgsr_bulk_b.%I TO %I', regress.bulk_table(i + 7), t);
        IF (regress.bulk_noise_tables(i - 1)).n > 0 THEN
            EXECUTE format('GRANT DELETE ON regress_pgsr_bulk_a.%I TO %I', regress.bulk_table(i - 1) || '_n01', t);
        END IF;
        EXECUTE format('GRANT %I TO %I', regress.bulk_group(i % 7 + 1), t);
    END LOOP;
END $$;
-- Phase 2 takes some grants away and adds others.
SELECT count(*) > 0 AS changed, array_agg(DISTINCT action ORDER BY action) AS actions
  FROM pg_sync_roles.sync_many(regress.bulk_doc(2));
SELECT count(*) AS changes FROM pg_sync_roles.sync_many(regress.bulk_doc(2));
-- Back to the indexes: the same state, nothing to do.
\c -reuse-previous=on "options='' user=regress_pgsr_admin"
SET client_min_messages = warning;
SHOW ignore_system_indexes;
SELECT count(*) AS planned FROM pg_sync_roles.plan_many(regress.bulk_doc(2));
SELECT * FROM regress.bulk_mismatches(regress.bulk_doc(2));
-- However many roles hold a privilege on a table through intermediate
-- roles, targets and noise, one intermediate role holds it.
SELECT count(*) AS privileges_held_by_two_intermediate_roles FROM (
    SELECT FROM pg_class c CROSS JOIN aclexplode(c.relacl) a
     WHERE c.relnamespace::regnamespace::text IN ('regress_pgsr_bulk_a', 'regress_pgsr_bulk_b')
       AND pg_get_userbyid(a.grantee) LIKE '\_pgsr\_%'
     GROUP BY c.oid, a.privilege_type HAVING count(*) > 1) d;
SELECT count(*) AS noise_differences FROM (
    (TABLE regress_pgsr_bulk_keep.noise EXCEPT SELECT * FROM regress.bulk_noise())
    UNION ALL
    (SELECT * FROM regress.bulk_noise() EXCEPT TABLE regress_pgsr_bulk_keep.noise)) d;

DROP SCHEMA regress_pgsr_bulk_a, regress_pgsr_bulk_b, regress_pgsr_bulk_keep CASCADE;
\c - :su
SET client_min_messages = warning;
DO $$
DECLARE
    names text := (SELECT string_agg(quote_ident(rolname), ', ') FROM pg_roles WHERE rolname LIKE 'regress\_pgsr\_bulk\_%');
BEGIN
    EXECUTE 'DROP OWNED BY ' || names;
    EXECUTE 'DROP ROLE ' || names;
END $$;
SELECT regress.drop_roles('\_pgsr\_%');
DROP FUNCTION regress.bulk_target, regress.bulk_target_exists, regress.bulk_noise_roles, regress.bulk_group,
              regress.bulk_table, regress.bulk_table_in_a, regress.bulk_noise_tables, regress.bulk_doc,
              regress.bulk_mismatches, regress.bulk_is_noise, regress.bulk_noise;
SELECT format('GRANT CONNECT ON DATABASE %I TO PUBLIC', current_database()) \gexec
