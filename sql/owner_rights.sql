-- What a role made must never run or read with the caller's rights once its
-- ownership is taken away, and every statement runs as exactly the role
-- whose grants it changes.  Each block performs the attack.
\set su :USER
\c - regress_pgsr_admin
SET client_min_messages = warning;
-- The caller's private data, and a sandbox schema the attacker may use.
CREATE TABLE public.regress_pgsr_or_payroll (name text, salary int);
INSERT INTO public.regress_pgsr_or_payroll VALUES ('ceo', 1000000);
REVOKE ALL ON public.regress_pgsr_or_payroll FROM PUBLIC;
CREATE SCHEMA regress_pgsr_or_sandbox;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_or_mallory', '[
    {"type": "login"},
    {"type": "schema_usage", "schema": "regress_pgsr_or_sandbox", "direct": true},
    {"type": "schema_create", "schema": "regress_pgsr_or_sandbox", "direct": true},
    {"type": "schema_usage", "schema": "public", "direct": true},
    {"type": "table_ownership", "schema": "regress_pgsr_or_sandbox", "table": "loot"}
]');

-- She builds a view over the caller's table, a rule that copies it, an
-- expression index, a trigger and a default whose function tries to make
-- her a member of the caller, and a table she keeps to collect the loot.
\c - :su
SET ROLE regress_pgsr_or_mallory;
CREATE TABLE regress_pgsr_or_sandbox.loot (name text, salary int);
GRANT INSERT ON regress_pgsr_or_sandbox.loot TO PUBLIC;
CREATE VIEW regress_pgsr_or_sandbox.v AS SELECT * FROM public.regress_pgsr_or_payroll;
GRANT SELECT ON regress_pgsr_or_sandbox.v TO PUBLIC;
CREATE TABLE regress_pgsr_or_sandbox.t (x int);
CREATE RULE steal AS ON INSERT TO regress_pgsr_or_sandbox.t
    DO ALSO INSERT INTO regress_pgsr_or_sandbox.loot SELECT * FROM public.regress_pgsr_or_payroll;
GRANT INSERT ON regress_pgsr_or_sandbox.t TO PUBLIC;
CREATE FUNCTION regress_pgsr_or_sandbox.f(x int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    BEGIN
        EXECUTE 'GRANT regress_pgsr_admin TO regress_pgsr_or_mallory';
    EXCEPTION WHEN others THEN NULL;
    END;
    RETURN x;
END $$;
CREATE TABLE regress_pgsr_or_sandbox.indexed (x int DEFAULT regress_pgsr_or_sandbox.f(1));
CREATE INDEX ON regress_pgsr_or_sandbox.indexed ((regress_pgsr_or_sandbox.f(x)));
CREATE FUNCTION regress_pgsr_or_sandbox.trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM regress_pgsr_or_sandbox.f(0);
    RETURN NEW;
END $$;
CREATE TRIGGER trg BEFORE INSERT ON regress_pgsr_or_sandbox.indexed
    FOR EACH ROW EXECUTE FUNCTION regress_pgsr_or_sandbox.trg();
INSERT INTO regress_pgsr_or_sandbox.indexed VALUES (1), (2);
-- Before the sync she reads nothing of the caller's.
SELECT regress.error_of('SELECT * FROM regress_pgsr_or_sandbox.v') AS view_before;
RESET ROLE;

-- The routine sync: what she owns and is not declared is taken away.
\c - regress_pgsr_admin
SELECT action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_or_mallory', '[
    {"type": "login"},
    {"type": "schema_usage", "schema": "regress_pgsr_or_sandbox", "direct": true},
    {"type": "schema_create", "schema": "regress_pgsr_or_sandbox", "direct": true},
    {"type": "schema_usage", "schema": "public", "direct": true},
    {"type": "table_ownership", "schema": "regress_pgsr_or_sandbox", "table": "loot"}
]') ORDER BY step;
-- Nobody logs in as the new owner, it holds nothing, and it has no member.
SELECT regress.stable(c.relname::text) AS relation, regress.stable(pg_get_userbyid(c.relowner)::text) AS owner,
       r.rolcanlogin, (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid
            -- (but the caller's ADMIN OPTION on a role it made, 16+)
            OR m.roleid = r.oid AND NOT (m.member = 'regress_pgsr_admin'::regrole AND m.admin_option)) AS memberships
  FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
 WHERE c.relnamespace = 'regress_pgsr_or_sandbox'::regnamespace AND c.relkind IN ('r', 'v')
 ORDER BY 1;
-- The caller has no more rights on what she made than anyone else: her
-- trigger and default cannot run as the caller, and the caller does not
-- read through her view.
SELECT regress.error_of('INSERT INTO regress_pgsr_or_sandbox.indexed VALUES (3)') AS caller_insert;
SELECT regress.error_of('INSERT INTO regress_pgsr_or_sandbox.t VALUES (1)') AS caller_insert_rule;

-- A view: she reads nothing through it (her grant to PUBLIC went too, and
-- its new owner may read nothing).
\c - :su
SET ROLE regress_pgsr_or_mallory;
SELECT regress.error_of('SELECT * FROM regress_pgsr_or_sandbox.v') AS view_after;
RESET ROLE;
-- Not even for a superuser does the view read with more than its owner's rights.
SELECT regress.error_of('SELECT * FROM regress_pgsr_or_sandbox.v') AS view_as_superuser;
-- A rule: an INSERT by the most privileged role runs the rule as the
-- table's owner, who cannot read the payroll: nothing is copied.
SELECT regress.error_of('INSERT INTO regress_pgsr_or_sandbox.t VALUES (1)') AS rule_as_superuser;
SELECT count(*) AS loot_rows FROM regress_pgsr_or_sandbox.loot;
-- An expression index and a default: ANALYZE (as a superuser) evaluates her
-- function as the table's owner, which can grant nothing.
ANALYZE regress_pgsr_or_sandbox.indexed;
SELECT regress.member_of('regress_pgsr_or_mallory') AS mallory_member_of;
SELECT pg_has_role('regress_pgsr_or_mallory', 'regress_pgsr_admin', 'MEMBER') AS mallory_in_caller;

-- Schema ownership taken away: the same for what is inside the schema.
\c - regress_pgsr_admin
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_or_eve', '[
    {"type": "login"},
    {"type": "schema_ownership", "schema": "regress_pgsr_or_eves"},
    {"type": "schema_usage", "schema": "public", "direct": true}
]');
\c - :su
SET ROLE regress_pgsr_or_eve;
CREATE VIEW regress_pgsr_or_eves.v AS SELECT * FROM public.regress_pgsr_or_payroll;
GRANT USAGE ON SCHEMA regress_pgsr_or_eves TO PUBLIC;
GRANT SELECT ON regress_pgsr_or_eves.v TO PUBLIC;
RESET ROLE;
\c - regress_pgsr_admin
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_or_eve', '[
    {"type": "login"},
    {"type": "schema_usage", "schema": "public", "direct": true}
]');
SELECT regress.stable(pg_get_userbyid(nspowner)::text) AS schema_owner
  FROM pg_namespace WHERE nspname = 'regress_pgsr_or_eves';
SELECT regress.schema_acl('regress_pgsr_or_eves') AS eves_acl;
\c - :su
SET ROLE regress_pgsr_or_eve;
SELECT regress.error_of('SELECT * FROM regress_pgsr_or_eves.v') AS eve_view_after;
RESET ROLE;
SELECT regress.error_of('SELECT * FROM regress_pgsr_or_eves.v') AS eve_view_as_superuser;

-- Both former owners have a recipient of their own: eve's code could not
-- read what was taken from mallory.
SELECT count(DISTINCT relowner) AS recipients
  FROM pg_class WHERE relnamespace IN ('regress_pgsr_or_sandbox'::regnamespace, 'regress_pgsr_or_eves'::regnamespace)
   AND relname IN ('v', 't');
-- Syncing again changes nothing.
\c - regress_pgsr_admin
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_or_eve', '[
    {"type": "login"},
    {"type": "schema_usage", "schema": "public", "direct": true}
]');

-- Grants run as the owner, whatever else the caller borrows: a lead who
-- holds SELECT WITH GRANT OPTION from the owner, and passed it on, loses it
-- entirely, and an intermediate role's SELECT is recorded as the owner's.
\c - :su
CREATE ROLE regress_pgsr_or_owner;
CALL regress.manage('regress_pgsr_or_owner');
CREATE ROLE regress_pgsr_or_lead;
CALL regress.manage('regress_pgsr_or_lead');
CREATE ROLE regress_pgsr_or_friend;
CALL regress.manage('regress_pgsr_or_friend');
CREATE SCHEMA regress_pgsr_or_sales AUTHORIZATION regress_pgsr_or_owner;
CREATE TABLE regress_pgsr_or_sales.orders (id int);
ALTER TABLE regress_pgsr_or_sales.orders OWNER TO regress_pgsr_or_owner;
SET ROLE regress_pgsr_or_owner;
GRANT USAGE ON SCHEMA regress_pgsr_or_sales TO regress_pgsr_or_lead, regress_pgsr_or_friend;
GRANT SELECT ON regress_pgsr_or_sales.orders TO regress_pgsr_or_lead WITH GRANT OPTION;
SET ROLE regress_pgsr_or_lead;
GRANT SELECT ON regress_pgsr_or_sales.orders TO regress_pgsr_or_friend;
RESET ROLE;
\c - regress_pgsr_admin
SELECT action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_or_lead', '[
    {"type": "schema_usage", "schema": "regress_pgsr_or_sales", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_or_sales", "table": "orders"}
]') ORDER BY step;
\c - :su
SELECT regress.stable(a.grantee::regrole::text) AS grantee, a.grantor::regrole AS grantor, a.privilege_type, a.is_grantable
  FROM pg_class c, aclexplode(c.relacl) a
 WHERE c.oid = 'regress_pgsr_or_sales.orders'::regclass AND a.grantee <> c.relowner
 ORDER BY 1;
\c - :su
SET ROLE regress_pgsr_or_friend;
SELECT regress.error_of('SELECT * FROM regress_pgsr_or_sales.orders') AS friend_select;
SET ROLE regress_pgsr_or_lead;
SELECT regress.error_of('SELECT * FROM regress_pgsr_or_sales.orders') AS lead_select;
RESET ROLE;
\c - regress_pgsr_admin
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_or_lead', '[
    {"type": "schema_usage", "schema": "regress_pgsr_or_sales", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_or_sales", "table": "orders"}
]');
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_admin'::regrole AND NOT admin_option;

-- A NOINHERIT caller: grants and revokes work (each runs as its role after
-- SET ROLE, which needs only membership), and converge.
\c - :su
CREATE ROLE regress_pgsr_or_noinherit NOINHERIT CREATEROLE LOGIN;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_sync_roles TO regress_pgsr_or_noinherit;
GRANT USAGE ON SCHEMA regress TO regress_pgsr_or_noinherit;
CALL regress.manage_for('regress_pgsr_or_noinherit', 'regress_pgsr_or_owner');
\c - regress_pgsr_or_noinherit
SET client_min_messages = warning;
SELECT action, regress.stable(statement) AS statement FROM pg_sync_roles.sync('regress_pgsr_or_ni_user', '[
    {"type": "schema_usage", "schema": "regress_pgsr_or_sales", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_or_sales", "table": "orders", "direct": true}
]') ORDER BY step;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_or_ni_user', '[
    {"type": "schema_usage", "schema": "regress_pgsr_or_sales", "direct": true},
    {"type": "table_select", "schema": "regress_pgsr_or_sales", "table": "orders", "direct": true}
]');
\c - :su
SELECT has_table_privilege('regress_pgsr_or_ni_user', 'regress_pgsr_or_sales.orders', 'SELECT') AS ni_user_select;
\c - regress_pgsr_or_noinherit
SET client_min_messages = warning;
SELECT count(*) AS changes FROM pg_sync_roles.sync('regress_pgsr_or_ni_user', '[]');
\c - :su
SELECT has_table_privilege('regress_pgsr_or_ni_user', 'regress_pgsr_or_sales.orders', 'SELECT') AS ni_user_select_after;
\c - regress_pgsr_or_noinherit
SELECT count(*) AS caller_memberships FROM pg_auth_members WHERE member = 'regress_pgsr_or_noinherit'::regrole AND NOT admin_option;

-- drop_unused_roles drops a recipient once it owns nothing any more.
\c - :su
DROP SCHEMA regress_pgsr_or_eves CASCADE;
\c - regress_pgsr_admin
SELECT regress.stable(d) AS dropped FROM pg_sync_roles.drop_unused_roles() AS d ORDER BY 1;

\c - :su
SET client_min_messages = warning;
DROP SCHEMA regress_pgsr_or_sandbox, regress_pgsr_or_sales CASCADE;
DROP TABLE public.regress_pgsr_or_payroll;
DROP OWNED BY regress_pgsr_or_noinherit;
SELECT regress.drop_roles('regress\_pgsr\_or\_%');
SELECT regress.drop_roles('\_pgsr\_%');
