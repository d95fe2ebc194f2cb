-- valid_until is an instant: stored as declared whatever the caller's
-- DateStyle and TimeZone, and a second sync under the same settings changes
-- nothing.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;

-- The case that went wrong: printed in the session's settings, the instant
-- was read back as '31/12/2030 00:00:00 CST', US Central time.
SET TimeZone = 'Asia/Shanghai';
SET DateStyle = 'SQL, DMY';
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_vu',
    '[{"type": "login", "valid_until": "2030-12-31 00:00:00+08"}]');
SELECT rolvaliduntil = '2030-12-31 00:00:00+08'::timestamptz AS stored_as_declared,
       extract(epoch FROM rolvaliduntil) AS epoch
  FROM pg_roles WHERE rolname = 'regress_pgsr_vu';
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_vu',
    '[{"type": "login", "valid_until": "2030-12-31 00:00:00+08"}]');
RESET TimeZone;
RESET DateStyle;

-- Every DateStyle, in zones east and west, with half-hour offsets and with
-- historical ones in seconds (Shanghai's local mean time until 1901), for
-- instants near and far.  Each sync must store the declared instant, and a
-- second one must change nothing.
CREATE FUNCTION pg_temp.round_trips() RETURNS TABLE (tried bigint, wrong text) LANGUAGE plpgsql AS $$
DECLARE
    ds text; tz text; v text; want timestamptz; got timestamptz; changes bigint;
    n bigint := 0; bad text[] := '{}';
BEGIN
    FOREACH ds IN ARRAY ARRAY['ISO, MDY', 'ISO, DMY', 'SQL, MDY', 'SQL, DMY', 'Postgres, MDY',
                              'Postgres, DMY', 'Postgres, YMD', 'German'] LOOP
        FOREACH tz IN ARRAY ARRAY['UTC', 'Asia/Shanghai', 'America/Chicago', 'Asia/Kathmandu',
                                  'America/St_Johns', 'Australia/Lord_Howe', 'Pacific/Kiritimati'] LOOP
            FOREACH v IN ARRAY ARRAY['2030-12-31 00:00:00+08', '2031-06-01T10:00:00.123456Z',
                                     '1900-01-01 00:00:00+00', '9999-12-31 23:59:59-12',
                                     '0044-03-15 12:00:00+01 BC', 'infinity'] LOOP
                PERFORM set_config('DateStyle', ds, true), set_config('TimeZone', tz, true);
                want := v::timestamptz;
                PERFORM pg_sync_roles.sync('regress_pgsr_vu',
                    jsonb_build_array(jsonb_build_object('type', 'login', 'valid_until', v)));
                SELECT rolvaliduntil INTO got FROM pg_roles WHERE rolname = 'regress_pgsr_vu';
                SELECT count(*) INTO changes FROM pg_sync_roles.sync('regress_pgsr_vu',
                    jsonb_build_array(jsonb_build_object('type', 'login', 'valid_until', v)));
                n := n + 1;
                IF got IS DISTINCT FROM want OR changes <> 0 THEN
                    bad := bad || format('%s / %s / %s: stored %s, then %s changes',
                                         ds, tz, v, got, changes);
                END IF;
            END LOOP;
        END LOOP;
    END LOOP;
    RETURN QUERY SELECT n, array_to_string(bad, E'\n');
END $$;
SELECT * FROM pg_temp.round_trips();

-- The statement shows the instant in UTC, the same for every caller.
SET TimeZone = 'America/St_Johns';
SET DateStyle = 'German';
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.plan('regress_pgsr_vu',
    '[{"type": "login", "valid_until": "2030-12-31 00:00:00+08"}]');
RESET TimeZone;
RESET DateStyle;

-- A valid_until without an offset is read as PostgreSQL reads timestamptz:
-- in the session's TimeZone.
SET TimeZone = 'Asia/Kathmandu';
SELECT count(*) FROM pg_sync_roles.sync('regress_pgsr_vu', '[{"type": "login", "valid_until": "2030-01-01"}]');
SELECT rolvaliduntil = '2029-12-31 18:15:00+00' AS in_session_zone FROM pg_roles WHERE rolname = 'regress_pgsr_vu';
RESET TimeZone;

\c - :su
DROP ROLE regress_pgsr_vu;
