-- A malformed document is an error that names the element, with SQLSTATE
-- 22023 (42622 for a name PostgreSQL would truncate), and changes nothing.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;

CREATE FUNCTION pg_temp.check_doc(doc text) RETURNS text LANGUAGE sql AS $$
    SELECT regress.error_of(format('SELECT * FROM pg_sync_roles.sync(%L, %L)', 'regress_pgsr_v', doc))
$$;

SELECT d AS document, pg_temp.check_doc(d) AS result FROM (VALUES
    ('{}'),
    ('"x"'),
    ('[1]'),
    ('[{}]'),
    ('[{"type": 7}]'),
    ('[{"type": "superpowers"}]'),
    ('[{"type": "database_connect"}]'),
    ('[{"type": "database_connect", "database": 5}]'),
    ('[{"type": "database_connect", "database": ""}]'),
    ('[{"type": "database_connect", "database": "d", "schema": "s"}]'),
    ('[{"type": "role_membership", "role": null}]'),
    ('[{"type": "login"}, {"type": "role_membership", "role": "r"}, {"type": "login"}]'),
    ('[{"type": "login", "password": 1}]'),
    ('[{"type": "login", "password": ""}]'),
    ('[{"type": "login", "valid_until": "soon"}]'),
    ('[{"type": "login", "valid_until": false}]'),
    ('[{"type": "login", "password": "md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}]'),
    ('[{"type": "login", "password": "SCRAM-SHA-256$4096:broken"}]'),
    ('[{"type": "schema_usage", "schema": "s", "direct": "yes"}]'),
    ('[{"type": "schema_create"}]'),
    ('[{"type": "schema_ownership", "schema": "s", "direct": true}]'),
    ('[{"type": "table_select", "schema": "s"}]'),
    ('[{"type": "table_select", "schema": "s", "table": "t", "table_regex": "t.*"}]'),
    ('[{"type": "table_select", "schema": "s", "table_regex": "(unclosed"}]'),
    ('[{"type": "table_ownership", "schema": "s"}]'),
    ('[{"type": "role_membership", "role": "regress_pgsr_v"}]'),
    ('[{"type": "role_membership", "role": "' || repeat('x', 63) || '"}, {"type": "role_membership", "role": "' || repeat('y', 64) || '"}]'),
    ('[{"type": "role_membership", "role": "' || repeat('é', 32) || '"}]')
) AS t(d);

-- Arguments other than the document.
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync(NULL, '[]')$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('', '[]')$$);
SELECT regress.error_of(format('SELECT * FROM pg_sync_roles.sync(%L)', repeat('r', 64)));
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_v', NULL)$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_v', '[]', NULL)$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_v', '[]', '{s,NULL}')$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.sync('regress_pgsr_v', '[]', '{}', NULL)$$);
SELECT regress.error_of($$SELECT * FROM pg_sync_roles.plan('regress_pgsr_v', '[{"type": "nope"}]')$$);

-- None of those created the role, nor any role they named.
SELECT count(*) AS roles_created FROM pg_roles
 WHERE rolname IN ('regress_pgsr_v', 'r') OR rolname LIKE repeat('x', 63);

-- A valid document after an invalid one works: the session is fine.
SELECT step, action, regress.unversioned(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_v', '[]');
\c - :su
SELECT regress.drop_roles('regress\_pgsr\_v');
