-- The pg_cron recipe of the README, as the test runs it: run by the caller
-- (a role with CREATEROLE and EXECUTE on pg_sync_roles, not a superuser) in
-- the database whose roles it manages.

-- The desired state: one row per role, kept up to date by whatever feeds it
-- (an application, an export from an identity provider).
CREATE SCHEMA role_sync;
CREATE TABLE role_sync.desired_roles (
    role_name text PRIMARY KEY,
    grants    jsonb NOT NULL
);

-- Syncs every role of the table, committing every batch_size roles, so that
-- the locks a sync takes are held briefly.  A role whose sync fails is left
-- as it was and named at the end, after the others are committed: the run
-- fails, and its message lists each failed role with its error.
CREATE PROCEDURE role_sync.sync_desired_roles(batch_size integer DEFAULT 100)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    done integer := 0;
    failures text[] := '{}';
BEGIN
    FOR r IN SELECT role_name, grants FROM role_sync.desired_roles ORDER BY role_name LOOP
        BEGIN
            PERFORM count(*) FROM pg_sync_roles.sync(r.role_name, r.grants);
        EXCEPTION WHEN others THEN
            failures := failures || format('%s: %s (SQLSTATE %s)', r.role_name, SQLERRM, SQLSTATE);
        END;
        done := done + 1;
        IF done % batch_size = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
    COMMIT;
    IF cardinality(failures) > 0 THEN
        RAISE EXCEPTION '% of % roles not synced: %',
            cardinality(failures), done, array_to_string(failures, '; ');
    END IF;
END $$;
