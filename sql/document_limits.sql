-- The document's limits: at most 10,000 elements and 16 MB (the size of its jsonb),
-- refused with SQLSTATE 54000 before the document is parsed; arrays and
-- objects nested deeper than 32 levels (valid jsonb, and never a valid
-- document) are an error that names the element and key they are under.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;

CREATE FUNCTION pg_temp.memberships(n int) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_agg(jsonb_build_object('type', 'role_membership', 'role', 'regress_pgsr_dl_' || i))
      FROM generate_series(1, n) i
$$;

-- Up to the limit, a document is planned.
SELECT count(*) AS statements FROM pg_sync_roles.plan('regress_pgsr_dl', pg_temp.memberships(10000));
-- One more is refused.
SELECT regress.error_of($$SELECT pg_sync_roles.plan('regress_pgsr_dl', pg_temp.memberships(10001))$$);
SELECT regress.error_of($$SELECT pg_sync_roles.sync('regress_pgsr_dl', pg_temp.memberships(10001))$$);

-- Far more is refused as soon: from the jsonb's header, before its text is
-- even made.  (A million elements once took 9.4 s and 1.5 GB to plan.)
CREATE TEMP TABLE big AS SELECT pg_temp.memberships(200000) AS doc;
SET statement_timeout = '2s';
SELECT regress.error_of($$SELECT pg_sync_roles.plan('regress_pgsr_dl', (SELECT doc FROM big))$$);
RESET statement_timeout;

-- Over 16 MB as jsonb, however few elements.
SELECT regress.error_of(format('SELECT pg_sync_roles.plan(%L, %L::jsonb)', 'regress_pgsr_dl',
    jsonb_build_array(jsonb_build_object('type', 'schema_usage', 'schema', 's',
                                         'note', repeat('x', 17000000)))));

-- Nesting: within the limit a value of the wrong kind is reported as usual;
-- deeper, where it is.
CREATE FUNCTION pg_temp.nested(levels int) RETURNS text LANGUAGE sql AS $$
    SELECT '[{"type": "login"}, {"type": "schema_usage", "schema": ' || repeat('[', levels) || repeat(']', levels) || '}]'
$$;
SELECT levels + 2 AS depth,
       regress.error_of(format('SELECT pg_sync_roles.plan(%L, %L::jsonb)', 'regress_pgsr_dl', pg_temp.nested(levels))) AS result
  FROM unnest(ARRAY[30, 31, 1000]) AS levels;
SELECT regress.error_of(format('SELECT pg_sync_roles.plan(%L, %L::jsonb)', 'regress_pgsr_dl',
    repeat('[', 40) || repeat(']', 40)));

-- Nothing was made.
SELECT count(*) AS roles FROM pg_roles WHERE rolname LIKE 'regress\_pgsr\_dl%';

\c - :su
SELECT regress.drop_roles('regress\_pgsr\_dl%');
