-- Every other test runs as regress_pgsr_admin: a role with CREATEROLE that
-- owns the test database, as on a managed service.  Only this file (and
-- checks that need pg_authid) run as the superuser.
SET client_min_messages = warning;
CREATE EXTENSION pg_sync_roles;
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'regress_pgsr_admin') THEN
        CREATE ROLE regress_pgsr_admin;
    END IF;
END $$;
ALTER ROLE regress_pgsr_admin NOSUPERUSER CREATEROLE LOGIN;
SELECT format('ALTER DATABASE %I OWNER TO regress_pgsr_admin', current_database()) \gexec
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_sync_roles TO regress_pgsr_admin;

-- A database owned by another ordinary role: to CONNECT through it the
-- caller needs its owner's rights, granted only for the call.
DROP DATABASE IF EXISTS regress_pgsr_other;
DROP ROLE IF EXISTS regress_pgsr_dbowner;
CREATE ROLE regress_pgsr_dbowner;
CREATE DATABASE regress_pgsr_other OWNER regress_pgsr_dbowner;

-- Statements name intermediate roles with random hex and the database oid:
-- show them stable.
CREATE SCHEMA regress;
GRANT USAGE ON SCHEMA regress TO PUBLIC;
CREATE FUNCTION regress.masked(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT regexp_replace(regexp_replace(regexp_replace(s,
               '(_pgsr_[a-z0-9_]+_)[0-9a-f]{8}', '\1XXXXXXXX', 'g'),
               '_pgsr_local_[0-9]+_', '_pgsr_local_<db>_', 'g'),
               '\[(pg_[a-z]+) [0-9]+\]', '[\1 <oid>]', 'g')
$$;
-- A statement the same on every server version: without the membership
-- options and grantors PostgreSQL 16 added (role_rules checks those), and
-- without MAINTAIN (17) among other privileges.
CREATE FUNCTION regress.unversioned(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT replace(regexp_replace(regexp_replace(s,
               ' WITH (ADMIN OPTION, )?INHERIT (TRUE|FALSE)(, SET (TRUE|FALSE))?$', ''),
               ' GRANTED BY regress_pgsr_admin$', ''),
               ' MAINTAIN,', '')
$$;
CREATE FUNCTION regress.stable(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT regress.unversioned(regress.masked(s))
$$;

-- Roles a superuser made, which a caller must be able to act for: on 16+
-- that takes ADMIN OPTION (which a CREATEROLE caller has on the roles it made
-- itself); on 15 CREATEROLE is enough.  Run as the superuser.  A procedure:
-- CALL prints nothing, the same on every version.
CREATE PROCEDURE regress.manage_for(caller text, VARIADIC roles text[]) LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    IF current_setting('server_version_num')::int >= 160000 THEN
        FOREACH r IN ARRAY roles LOOP
            -- (the caller holds it already on a role it made)
            CONTINUE WHEN EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                                    JOIN pg_roles c ON c.oid = m.member
                                   WHERE g.rolname = r AND c.rolname = caller AND m.admin_option);
            EXECUTE format('GRANT %I TO %I WITH ADMIN OPTION, INHERIT FALSE, SET FALSE', r, caller);
        END LOOP;
    END IF;
END $$;
CREATE PROCEDURE regress.manage(VARIADIC roles text[]) LANGUAGE sql AS $$
    CALL regress.manage_for('regress_pgsr_admin', VARIADIC roles)
$$;

-- Whether the caller uses or may become a role: a membership other than the
-- ADMIN-only one PostgreSQL 16 gives the creator of a role.
CREATE FUNCTION regress.caller_in(r text) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF current_setting('server_version_num')::int >= 160000 THEN
        RETURN pg_has_role('regress_pgsr_admin', r, 'USAGE') OR pg_has_role('regress_pgsr_admin', r, 'SET');
    END IF;
    RETURN pg_has_role('regress_pgsr_admin', r, 'MEMBER');
END $$;


-- Runs a statement and returns its SQLSTATE and message (or 'ok').
CREATE FUNCTION regress.error_of(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- Drops the roles a test made, with their privileges here (run as
-- superuser).  A role still used in another database is left alone.
CREATE FUNCTION regress.drop_roles(pattern text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE pattern ORDER BY 1 LOOP
        BEGIN
            EXECUTE format('DROP OWNED BY %I', r);
            EXECUTE format('DROP ROLE %I', r);
        EXCEPTION WHEN dependent_objects_still_exist THEN
            NULL;
        END;
    END LOOP;
END $$;

-- A document of database_connect grants.
CREATE FUNCTION regress.connect_doc(VARIADIC dbs text[]) RETURNS jsonb LANGUAGE sql AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('type', 'database_connect', 'database', d)), '[]')
      FROM unnest(dbs) AS d
$$;

-- The intermediate roles holding CONNECT on a database, from its ACL.
CREATE FUNCTION regress.connect_holders(d text) RETURNS SETOF text LANGUAGE sql AS $$
    SELECT regress.stable(a.grantee::regrole::text)
      FROM pg_database, aclexplode(datacl) a
     WHERE datname = d AND a.privilege_type = 'CONNECT' AND a.grantee <> 0
       AND a.grantee::regrole::text LIKE '\_pgsr\_%'
$$;

-- A schema's ACL without its owner's entries, intermediate roles masked.
CREATE FUNCTION regress.schema_acl(s text) RETURNS TABLE (grantee text, privilege text)
LANGUAGE sql AS $$
    SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE regress.stable(a.grantee::regrole::text) END,
           a.privilege_type
      FROM pg_namespace, aclexplode(nspacl) a
     WHERE nspname = s AND a.grantee <> nspowner
     ORDER BY 1, 2
$$;

-- The roles a role is a direct member of, masked.
CREATE FUNCTION regress.member_of(r text) RETURNS SETOF text LANGUAGE sql AS $$
    SELECT regress.stable(g.rolname::text)
      FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
     WHERE m.member = r::regrole
     ORDER BY 1
$$;

CALL regress.manage('regress_pgsr_dbowner');

SELECT rolname, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = 'regress_pgsr_admin';
SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database();
