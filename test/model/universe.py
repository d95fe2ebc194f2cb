"""The fixed universe the model-based test plays in, and how to reset it.

Two databases (the one synced in, and another one for database_connect), a
caller that is a non-superuser CREATEROLE role owning the first one, roles
the caller made (schema owners, a grantor, groups), and schemas holding every
kind of table-like object, some with names that need quoting.  Every name
the test makes starts with ``mdl_`` (roles) or ``pgsr_model`` (databases), so
a reset drops exactly what the test made (and the intermediate roles nothing
uses any more).
"""

DB = "pgsr_model"
OTHER_DB = "pgsr_model_other"
MISSING_DB = "pgsr_model_missing"

CALLER = "mdl_admin"          # NOSUPERUSER CREATEROLE, owns DB
OWNER1 = "mdl_owner1"         # owns schemas s_o1, s_a"b and some tables
OWNER2 = "mdl_owner2"         # owns schema s_o2
GRANTOR = "mdl_grantor"       # holds grant options and passes them on
OTHER = "mdl_other"           # a bystander holding hand-made grants
TEAM = "mdl_team"             # groups a document may name
TEAM2 = 'mdl_Team "x"'
DBOWNER = "mdl_dbowner"       # owns OTHER_DB
NEW_GROUP = "mdl_new_group"   # named by documents, created by sync
FRESH = "mdl_fresh"           # the role made (and rolled back) by the "fresh" check

# The roles synced.  One needs quoting.
TARGETS = ["mdl_u1", "mdl_u2", 'mdl_User "3"']
# Roles whose access must not change when another role is synced (and
# PUBLIC, as the pseudo-role "public").
BYSTANDERS = [OWNER1, OWNER2, GRANTOR, OTHER, TEAM, TEAM2, "public"]
# Roles a document may declare membership of (the caller only with
# --gen member_of_caller).
GROUPS = [TEAM, TEAM2, OWNER1, NEW_GROUP]

# Every name the universe uses (failure kinds are written without them).
KNOWN_NAMES = None  # set below

# Schemas named by documents that do not exist at first (schema_ownership
# creates them).
MISSING_SCHEMAS = ["s_new", "s_New Case"]
# Names the hand changes create, rename to and drop.
POOL_NAMES = ["new_t", "New T", 'n"q', "new_v"]


KNOWN_NAMES = (TARGETS + BYSTANDERS + GROUPS + MISSING_SCHEMAS + POOL_NAMES
               + [CALLER, DBOWNER, FRESH, DB, OTHER_DB, "s_admin", "Mixed Schema", "s_empty", "s_o1", "s_o2",
                  's_a"b', "Mixed Case", 'a"b'])

SETUP_ROLES = [
    # Run as the superuser: roles the caller made itself (on 16+ it then
    # holds ADMIN on them).  The first synced role exists from the start,
    # with an oid lower than the owners' (PostgreSQL picks a grantor among
    # the caller's roles in oid order); the others are created by sync.
    f"SET ROLE {CALLER}",
    f"CREATE ROLE {TARGETS[0]}",
    f"CREATE ROLE {OWNER1}",
    f"CREATE ROLE {OWNER2}",
    f"CREATE ROLE {GRANTOR}",
    f"CREATE ROLE {OTHER}",
    f"CREATE ROLE {TEAM}",
    f'CREATE ROLE "mdl_Team ""x"""',
    "RESET ROLE",
]

SETUP_CLUSTER = [
    # Run as the superuser, in the maintenance database.
    f"CREATE ROLE {CALLER} NOSUPERUSER CREATEROLE LOGIN",
    # Made by the caller too: on 16+ it then holds ADMIN on it, and may
    # borrow its rights to grant CONNECT on the database it owns.
    f"SET ROLE {CALLER}",
    f"CREATE ROLE {DBOWNER}",
    "RESET ROLE",
    *SETUP_ROLES,
    f"CREATE DATABASE {DB} OWNER {CALLER}",
    f"CREATE DATABASE {OTHER_DB} OWNER {DBOWNER}",
    # As in a warehouse: only those granted CONNECT may connect.
    f"REVOKE CONNECT ON DATABASE {DB} FROM PUBLIC",
    f"REVOKE CONNECT ON DATABASE {OTHER_DB} FROM PUBLIC",
]

SETUP_EXTENSION = [
    # Run as the superuser, in DB, once.
    "SET client_min_messages = warning",
    "CREATE EXTENSION pg_sync_roles",
]

SETUP_DB = [
    # Run as the superuser, in DB, after every reset.
    f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_sync_roles TO {CALLER}",
    # The caller's schemas.
    f"SET ROLE {CALLER}",
    "CREATE SCHEMA s_admin",
    "CREATE TABLE s_admin.t1 (id serial, x int, y int)",
    'CREATE TABLE s_admin."Mixed Case" (x int)',
    'CREATE TABLE s_admin."a""b" (x int)',
    "CREATE VIEW s_admin.v1 AS SELECT x FROM s_admin.t1",
    "CREATE MATERIALIZED VIEW s_admin.mv1 AS SELECT x FROM s_admin.t1",
    "CREATE TABLE s_admin.parted (x int) PARTITION BY RANGE (x)",
    "CREATE TABLE s_admin.parted_1 PARTITION OF s_admin.parted FOR VALUES FROM (0) TO (100)",
    "CREATE SEQUENCE s_admin.seq1",
    "CREATE TABLE s_admin.t_ident (id int GENERATED ALWAYS AS IDENTITY, x int)",
    'CREATE SCHEMA "Mixed Schema"',
    'CREATE TABLE "Mixed Schema".t2 (x int)',
    'CREATE VIEW "Mixed Schema".v2 AS SELECT x FROM "Mixed Schema".t2',
    "CREATE SCHEMA s_empty",
    "RESET ROLE",
    # Schemas of roles the caller made.
    f"CREATE SCHEMA s_o1 AUTHORIZATION {OWNER1}",
    f"CREATE SCHEMA s_o2 AUTHORIZATION {OWNER2}",
    f'CREATE SCHEMA "s_a""b" AUTHORIZATION {OWNER1}',
    f"SET ROLE {OWNER1}",
    "CREATE TABLE s_o1.o1_t (x int)",
    "CREATE VIEW s_o1.o1_v AS SELECT x FROM s_o1.o1_t",
    "CREATE SEQUENCE s_o1.o1_seq",
    "CREATE TABLE s_o1.o1_parted (x int) PARTITION BY LIST (x)",
    "CREATE TABLE s_o1.o1_parted_1 PARTITION OF s_o1.o1_parted FOR VALUES IN (1)",
    "CREATE TABLE s_o1.o1_serial (id serial, x int)",
    'CREATE TABLE "s_a""b".x (x int)',
    "RESET ROLE",
    f"SET ROLE {OWNER2}",
    "CREATE TABLE s_o2.o2_t (x int)",
    "CREATE MATERIALIZED VIEW s_o2.o2_mv AS SELECT 1 AS x",
    "RESET ROLE",
    # Tables in s_o2 owned by others than the schema's owner.
    "CREATE TABLE s_o2.o2_by1 (x int)",
    f"ALTER TABLE s_o2.o2_by1 OWNER TO {OWNER1}",
    "CREATE TABLE s_o2.o2_by_admin (x int)",
    f"ALTER TABLE s_o2.o2_by_admin OWNER TO {CALLER}",
    # A table of the caller's schema owned by another role.
    "CREATE TABLE s_admin.by2 (x int)",
    f"ALTER TABLE s_admin.by2 OWNER TO {OWNER2}",
]


_TEST_ROLES = r"(rolname LIKE 'mdl\_%' OR rolname LIKE '\_pgsr\_%')"


def reset_sql_in_db():
    """Statements (as superuser, in DB and in OTHER_DB) that undo whatever
    the steps did in that database: the universe's schemas go (and with them
    every privilege on what they held), and the mdl_ roles' objects and
    privileges here (DROP OWNED BY; not for _pgsr_ roles, whose privileges
    on other databases of the cluster are not ours: they lose what they
    hold on these two databases in reset_sql_roles)."""
    return [
        "SET client_min_messages = warning",
        "DROP TABLE IF EXISTS public.ft",
        r"""DO $$
DECLARE r text;
BEGIN
    FOR r IN SELECT nspname FROM pg_namespace
              WHERE nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'public') LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', r);
    END LOOP;
    FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE 'mdl\_%' LOOP
        EXECUTE format('DROP OWNED BY %I', r);
    END LOOP;
END $$""",
    ]


def reset_sql_roles():
    """Statements (as superuser, maintenance database) run after
    reset_sql_in_db in both databases: the test's roles but the two database
    owners are dropped, those are put back as they were, and so are the
    databases' ACLs."""
    return [
        r"""DO $$
DECLARE r text;
BEGIN
    FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE '\_pgsr\_%' LOOP
        EXECUTE format('REVOKE ALL ON DATABASE """ + DB + ", " + OTHER_DB + r""" FROM %I', r);
    END LOOP;
    FOR r IN SELECT rolname FROM pg_roles WHERE """ + _TEST_ROLES + f"""
                AND rolname NOT IN ('{CALLER}', '{DBOWNER}') LOOP
        BEGIN
            EXECUTE format('DROP ROLE %I', r);
        EXCEPTION WHEN dependent_objects_still_exist OR object_in_use THEN
            RAISE NOTICE 'kept role % (still used)', r;
        END;
    END LOOP;
END $$""",
        f"ALTER ROLE {CALLER} NOSUPERUSER CREATEROLE NOCREATEDB LOGIN INHERIT VALID UNTIL 'infinity'",
        f"ALTER ROLE {DBOWNER} NOSUPERUSER NOCREATEROLE NOCREATEDB NOLOGIN INHERIT",
        f"COMMENT ON ROLE {CALLER} IS NULL",
        f"REVOKE ALL ON DATABASE {DB} FROM PUBLIC",
        f"REVOKE ALL ON DATABASE {OTHER_DB} FROM PUBLIC",
        f"GRANT TEMPORARY ON DATABASE {DB} TO PUBLIC",
        f"GRANT TEMPORARY ON DATABASE {OTHER_DB} TO PUBLIC",
        *SETUP_ROLES,
    ]


def reset_sql_cluster():
    """Statements (as superuser, maintenance database) that remove what a
    previous run made.  Intermediate roles still used elsewhere in the
    cluster are left alone."""
    return [
        f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)",
        f"DROP DATABASE IF EXISTS {OTHER_DB} WITH (FORCE)",
        r"""DO $$
DECLARE r text;
BEGIN
    FOR r IN SELECT rolname FROM pg_roles
              WHERE rolname LIKE 'mdl\_%' OR rolname LIKE '\_pgsr\_%'
              ORDER BY rolname = 'mdl_admin', rolname LOOP
        BEGIN
            EXECUTE format('DROP ROLE %I', r);
        EXCEPTION WHEN dependent_objects_still_exist OR object_in_use THEN
            RAISE NOTICE 'kept role % (still used)', r;
        END;
    END LOOP;
END $$""",
    ]
