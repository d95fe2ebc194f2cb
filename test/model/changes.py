"""Random changes made by hand between syncs.

Each kind has a name (its switch: ``change:<name>``) and a generator that
looks at the current state and returns a step: SQL statements run in one
transaction by the superuser (``SET LOCAL ROLE`` where the change must be
made as another role), or session settings of the caller's connection.
Steps hold only names, never the random names of intermediate roles: those
are found at run time through the object's ACL (the oldest one), so that a
step list replays on a fresh database.
"""

from universe import (CALLER, OWNER1, OWNER2, GRANTOR, OTHER, TEAM, TEAM2, NEW_GROUP, TARGETS, DB,
                      OTHER_DB, POOL_NAMES)
from observe import REL_PRIVS, SEQ_PRIVS, COL_PRIVS


def qi(name):
    return '"' + name.replace('"', '""') + '"'


def ql(text):
    return "'" + text.replace("'", "''") + "'"


def qrel(key):
    return qi(key[0]) + "." + qi(key[1])


ALTER_KEYWORD = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE",
                 "f": "FOREIGN TABLE"}


def grant_keyword(rel):
    return "SEQUENCE" if rel.kind == "S" else "TABLE"


def hand(kind, *sql, db="model"):
    return {"op": "hand", "kind": kind, "sql": list(sql), "db": db}


def as_caller(kind, *sql):
    """A hand change of role memberships, made by the caller (which made the
    roles, or holds ADMIN OPTION on them), as the DBA running the syncs
    would.  From 16 on a membership records its grantor, and only that
    grantor (or a role with its privileges) may revoke it: memberships a
    superuser grants are out of the caller's reach, and sync's 42501 for
    them is documented, not something random states should keep hitting."""
    return hand(kind, f"SET LOCAL ROLE {CALLER}", *sql, "RESET ROLE")


def _grantee(rng):
    return rng.choice(TARGETS + TARGETS + [OTHER, GRANTOR, TEAM])


def _rel(rng, st, pred=lambda r: True):
    rels = [r for k, r in sorted(st.relations.items()) if pred(r)]
    return rng.choice(rels) if rels else None


def _privs(rng, rel):
    pool = SEQ_PRIVS if rel.kind == "S" else REL_PRIVS
    return rng.sample(pool, rng.randint(1, min(3, len(pool))))


# Whether hand changes may give grant options to synced roles and
# bystanders (switch state:grant_options); set by gen_change.
GRANT_OPTIONS = True


def _go(rng, p=0.3):
    return " WITH GRANT OPTION" if rng.random() < p and GRANT_OPTIONS else ""


def on_intermediate(kind, key, privilege, template, db_oid=None):
    """A DO block running `template` (a format() string, %I = the role) on
    the oldest intermediate role holding `privilege` on the object."""
    if kind == "rel":
        acl = f"(SELECT relacl FROM pg_class WHERE oid = {ql(qrel(key))}::regclass)"
    elif kind == "schema":
        acl = f"(SELECT nspacl FROM pg_namespace WHERE nspname = {ql(key)})"
    else:
        acl = f"(SELECT datacl FROM pg_database WHERE datname = {ql(key)})"
    return f"""DO $do$
DECLARE r text;
BEGIN
    SELECT pg_get_userbyid(x.grantee) INTO r FROM aclexplode({acl}) x
     WHERE x.grantee <> 0 AND x.privilege_type = {ql(privilege)}
       AND pg_get_userbyid(x.grantee) ~ '^_pgsr_(local|global)_'
     ORDER BY x.grantee LIMIT 1;
    IF r IS NULL THEN RAISE EXCEPTION 'no intermediate role'; END IF;
    EXECUTE format($t${template}$t$, r);
END $do$"""


def _intermediate_name(name):
    # Not the reworked code's other _pgsr_ roles (recipients of ownership).
    return name.startswith(("_pgsr_local_", "_pgsr_global_"))


def _intermediate_object(rng, st):
    """An object whose ACL names an intermediate role: (kind, key, privilege)."""
    found = []
    for key, rel in sorted(st.relations.items()):
        if any(_intermediate_name(a.grantee) and a.privilege == "SELECT" for a in rel.acl):
            found.append(("rel", key, "SELECT"))
    for name, sc in sorted(st.schemas.items()):
        for p in ("USAGE", "CREATE"):
            if any(_intermediate_name(a.grantee) and a.privilege == p for a in sc.acl):
                found.append(("schema", name, p))
    for name, (_, _, acl) in sorted(st.databases.items()):
        if any(_intermediate_name(a.grantee) and a.privilege == "CONNECT" for a in acl):
            found.append(("db", name, "CONNECT"))
    return rng.choice(found) if found else None


def _object_sql(kind, key):
    return {"rel": lambda: "TABLE " + qrel(key), "schema": lambda: "SCHEMA " + qi(key),
            "db": lambda: "DATABASE " + qi(key)}[kind]()


# --------------------------------------------------------------- the kinds

def direct_grant(rng, st):
    """Privileges on a table-like object granted to a role by its owner."""
    rel = _rel(rng, st)
    if not rel:
        return None
    return hand("direct_grant", f"GRANT {', '.join(_privs(rng, rel))} ON {grant_keyword(rel)} {qrel(rel.key)} "
                                f"TO {qi(_grantee(rng))}{_go(rng)}")


def column_grant(rng, st):
    rel = _rel(rng, st, lambda r: r.kind != "S")
    if not rel:
        return None
    privs = rng.sample(COL_PRIVS, rng.randint(1, 2))
    return hand("column_grant", f"GRANT {', '.join(p + ' (x)' for p in privs)} ON TABLE {qrel(rel.key)} "
                                f"TO {qi(_grantee(rng))}{_go(rng, 0.2)}")


def schema_grant(rng, st):
    s = rng.choice(sorted(st.schemas))
    privs = rng.choice(["USAGE", "CREATE", "USAGE, CREATE"])
    return hand("schema_grant", f"GRANT {privs} ON SCHEMA {qi(s)} TO {qi(_grantee(rng))}{_go(rng, 0.2)}")


def other_grantor(rng, st):
    """A role other than the owner holds a grant option and grants with it."""
    grantee = rng.choice(TARGETS + [OTHER])
    if rng.random() < 0.7:
        rel = _rel(rng, st)
        if not rel:
            return None
        privs = ", ".join(_privs(rng, rel))
        obj = f"{grant_keyword(rel)} {qrel(rel.key)}"
        pre = [f"GRANT USAGE ON SCHEMA {qi(rel.schema)} TO {GRANTOR}"]
    else:
        s = rng.choice(sorted(st.schemas))
        privs, obj, pre = rng.choice(["USAGE", "CREATE"]), f"SCHEMA {qi(s)}", []
    return hand("other_grantor", *pre, f"GRANT {privs} ON {obj} TO {GRANTOR} WITH GRANT OPTION",
                f"SET LOCAL ROLE {GRANTOR}", f"GRANT {privs} ON {obj} TO {qi(grantee)}{_go(rng, 0.2)}",
                "RESET ROLE")


def passed_on(rng, st):
    """A synced role holds a grant option (from the owner) and passes the
    privilege on to another role."""
    rel = _rel(rng, st)
    if not rel or not GRANT_OPTIONS:
        return None
    t = rng.choice(TARGETS)
    other = rng.choice([r for r in TARGETS if r != t] + [OTHER, TEAM])
    privs = ", ".join(_privs(rng, rel))
    obj = f"{grant_keyword(rel)} {qrel(rel.key)}"
    return hand("passed_on", f"GRANT USAGE ON SCHEMA {qi(rel.schema)} TO {qi(t)}",
                f"GRANT {privs} ON {obj} TO {qi(t)} WITH GRANT OPTION",
                f"SET LOCAL ROLE {qi(t)}", f"GRANT {privs} ON {obj} TO {qi(other)}", "RESET ROLE")


def grantor_loses_usage(rng, st):
    """The grantor of privileges held by others loses USAGE on the schema."""
    s = rng.choice(sorted(st.schemas))
    return hand("grantor_loses_usage", f"REVOKE USAGE ON SCHEMA {qi(s)} FROM {GRANTOR} CASCADE")


def admin_option(rng, st):
    g = rng.choice([TEAM, TEAM2, OWNER1, OWNER2])
    return as_caller("admin_option", f"GRANT {qi(g)} TO {qi(rng.choice(TARGETS))} WITH ADMIN OPTION")


def membership(rng, st):
    r = rng.random()
    t = qi(rng.choice(TARGETS))
    if r < 0.4:
        g = rng.choice([TEAM, TEAM2, OWNER1, OWNER2, GRANTOR, OTHER, NEW_GROUP])
        return as_caller("membership", f"GRANT {qi(g)} TO {t}")
    if r < 0.6:
        g = rng.choice([TEAM, TEAM2, OWNER1, OWNER2, OTHER])
        return as_caller("membership", f"REVOKE {qi(g)} FROM {t}")
    if r < 0.8:
        # Groups of groups: a declared group gets more rights.
        return as_caller("membership", f"GRANT {qi(rng.choice([OWNER1, OWNER2, GRANTOR, OTHER]))} "
                                       f"TO {qi(rng.choice([TEAM, TEAM2]))}")
    obj = _intermediate_object(rng, st)
    if not obj:
        return None
    return as_caller("membership", on_intermediate(*obj, "GRANT %I TO " + t.replace("%", "%%")))


def ownership(rng, st):
    new = rng.choice([CALLER, OWNER1, OWNER2, OTHER] + TARGETS)
    if rng.random() < 0.25:
        s = rng.choice(sorted(st.schemas))
        return hand("ownership", f"ALTER SCHEMA {qi(s)} OWNER TO {qi(new)}")
    rel = _rel(rng, st, lambda r: not r.linked_to)
    if not rel:
        return None
    return hand("ownership", f"ALTER {ALTER_KEYWORD[rel.kind]} {qrel(rel.key)} OWNER TO {qi(new)}")


# The password the hand change "login" gives (runner.py follows it).
HAND_PASSWORD = "model secret"


def login(rng, st):
    t = qi(rng.choice(TARGETS))
    what = rng.choice(["LOGIN", "NOLOGIN", "LOGIN VALID UNTIL '2035-01-01 00:00:00+00'", "VALID UNTIL 'infinity'",
                       f"LOGIN PASSWORD {ql(HAND_PASSWORD)}", f"NOLOGIN PASSWORD {ql(HAND_PASSWORD)}",
                       "VALID UNTIL '2030-12-31 00:00:00+08'"])
    return hand("login", f"ALTER ROLE {t} {what}")


def inherit(rng, st):
    """A synced role made NOINHERIT, or INHERIT again, by the caller (on 15
    CREATEROLE may; from 16 on its ADMIN OPTION on the role does)."""
    targets = [t for t in TARGETS if t in st.roles]
    if not targets:
        return None
    t = rng.choice(targets)
    return as_caller("inherit", f"ALTER ROLE {qi(t)} {'NOINHERIT' if st.roles[t].inherit else 'INHERIT'}")


def create(rng, st):
    """A table-like object made under a pool name, owned by a random role
    (the schema's owner, the caller, a synced role, ...)."""
    s = rng.choice(sorted(st.schemas))
    free = [n for n in POOL_NAMES if (s, n) not in st.relations]
    if not free:
        return None
    name = rng.choice(free)
    q = qrel((s, name))
    owner = rng.choice([st.schemas[s].owner, CALLER, OWNER1, OWNER2] + TARGETS)
    kind = rng.choice(["table", "serial", "view", "matview", "sequence", "partitioned"])
    if kind == "table":
        sql = [f"CREATE TABLE {q} (x int)", f"ALTER TABLE {q} OWNER TO {qi(owner)}"]
    elif kind == "serial":
        sql = [f"CREATE TABLE {q} (id serial, x int)", f"ALTER TABLE {q} OWNER TO {qi(owner)}"]
    elif kind == "view":
        base = _rel(rng, st, lambda r: r.schema == s and r.kind in "rpvm")
        src = f"SELECT x FROM {qrel(base.key)}" if base else "SELECT 1 AS x"
        sql = [f"CREATE VIEW {q} AS {src}", f"ALTER VIEW {q} OWNER TO {qi(owner)}"]
    elif kind == "matview":
        sql = [f"CREATE MATERIALIZED VIEW {q} AS SELECT 1 AS x",
               f"ALTER MATERIALIZED VIEW {q} OWNER TO {qi(owner)}"]
    elif kind == "sequence":
        sql = [f"CREATE SEQUENCE {q}", f"ALTER SEQUENCE {q} OWNER TO {qi(owner)}"]
    else:
        part = qrel((s, name + "_1"))
        sql = [f"CREATE TABLE {q} (x int) PARTITION BY RANGE (x)",
               f"CREATE TABLE {part} PARTITION OF {q} FOR VALUES FROM (0) TO (10)",
               f"ALTER TABLE {q} OWNER TO {qi(owner)}",
               f"ALTER TABLE {part} OWNER TO {qi(rng.choice([owner, CALLER, OWNER1]))}"]
    return hand("create", *sql)


def drop(rng, st):
    pool = _rel(rng, st, lambda r: r.name in POOL_NAMES or r.name.removesuffix("_1") in POOL_NAMES)
    rel = pool if pool and rng.random() < 0.8 else _rel(rng, st, lambda r: not r.linked_to)
    if not rel:
        return None
    return hand("drop", f"DROP {ALTER_KEYWORD[rel.kind]} {qrel(rel.key)} CASCADE")


def rename(rng, st):
    rel = _rel(rng, st, lambda r: r.kind != "S" or not r.linked_to)
    if not rel:
        return None
    names = POOL_NAMES + ["t1", "Mixed Case", 'a"b', "o1_t", "o2_t", "x", "t2"]
    free = [n for n in names if (rel.schema, n) not in st.relations]
    if not free:
        return None
    return hand("rename", f"ALTER {ALTER_KEYWORD[rel.kind]} {qrel(rel.key)} RENAME TO {qi(rng.choice(free))}")


def _tamper(name, make, by=hand):
    def gen(rng, st):
        obj = _intermediate_object(rng, st)
        if not obj:
            return None
        template = make(rng, st, *obj)
        return by(name, on_intermediate(*obj, template)) if template else None
    gen.__name__ = name
    return gen


def _extra(rng, st, kind, key, priv):
    other = {"SELECT": "INSERT", "USAGE": "CREATE", "CREATE": "USAGE", "CONNECT": "TEMPORARY"}[priv]
    return f"GRANT {other} ON {_object_sql(kind, key)} TO %I"


def _other_object(rng, st, kind, key, priv):
    rel = _rel(rng, st, lambda r: r.key != key)
    return f"GRANT SELECT ON {grant_keyword(rel)} {qrel(rel.key)} TO %I" if rel else None


def _comment(rng, st, kind, key, priv):
    return rng.choice(["COMMENT ON ROLE %I IS NULL", "COMMENT ON ROLE %I IS 'made by hand'",
                       "COMMENT ON ROLE %I IS 'pg_sync_roles: intermediate role for SELECT on table "
                       "\"s_admin\".\"t1\" [pg_class 1]'"])


def _column(rng, st, kind, key, priv):
    return f"GRANT UPDATE (x) ON TABLE {qrel(key)} TO %I" if kind == "rel" and st.relations[key].kind != "S" else None


tamper_extra_priv = _tamper("tamper_extra_priv", _extra)
tamper_grant_option = _tamper("tamper_grant_option", lambda rng, st, kind, key, priv:
                              f"GRANT {priv} ON {_object_sql(kind, key)} TO %I WITH GRANT OPTION")
tamper_other_object = _tamper("tamper_other_object", _other_object)
tamper_member = _tamper("tamper_member", lambda rng, st, *obj: f"GRANT {OWNER1} TO %I", by=as_caller)
tamper_login = _tamper("tamper_login", lambda rng, st, *obj: "ALTER ROLE %I LOGIN")
tamper_revoke = _tamper("tamper_revoke", lambda rng, st, kind, key, priv:
                        f"REVOKE {priv} ON {_object_sql(kind, key)} FROM %I CASCADE")
tamper_comment = _tamper("tamper_comment", _comment)
tamper_column = _tamper("tamper_column", _column)


def _other_db_role(name_sql, then, target):
    """Makes a role named after OTHER_DB's oid and grants it to a target."""
    return f"""DO $do$
DECLARE r text := {name_sql};
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
        EXECUTE format('CREATE ROLE %I', r);
    END IF;
    {then}
    EXECUTE format('GRANT %I TO {qi(target).replace('%', '%%').replace("'", "''")}', r);
END $do$"""


def foreign_intermediate(rng, st):
    """A real intermediate role of the other database (holding SELECT on a
    table there, marked), granted to a synced role: sync here leaves it alone."""
    name = "format('_pgsr_local_%s_table_select_0000beef', (SELECT oid FROM pg_database WHERE datname = current_database()))"
    then = ("CREATE TABLE IF NOT EXISTS public.ft (x int);"
            " EXECUTE format('GRANT SELECT ON public.ft TO %I', r);"
            " EXECUTE format('COMMENT ON ROLE %I IS %L', r, 'pg_sync_roles: intermediate role for SELECT on table '"
            " || '\"public\".\"ft\" [pg_class ' || 'public.ft'::regclass::oid || ']');")
    return hand("foreign_intermediate", _other_db_role(name, then, rng.choice(TARGETS)), db="other")


def lookalike_name(rng, st):
    """A role merely named like another database's intermediate role, holding
    a group's rights (issue 6, item 5)."""
    name = f"format('_pgsr_local_%s_backdoor', (SELECT oid FROM pg_database WHERE datname = {ql(OTHER_DB)}))"
    return as_caller("lookalike_name", _other_db_role(name, f"EXECUTE format('GRANT {OWNER1} TO %I', r);",
                                                      rng.choice(TARGETS)))


def lookalike_member(rng, st):
    """Named exactly like another database's intermediate role, but a member
    of a group."""
    name = (f"format('_pgsr_local_%s_table_select_0000dead', "
            f"(SELECT oid FROM pg_database WHERE datname = {ql(OTHER_DB)}))")
    return as_caller("lookalike_member", _other_db_role(name, f"EXECUTE format('GRANT {OWNER1} TO %I', r);",
                                                        rng.choice(TARGETS)))


def drop_unused(rng, st):
    return hand("drop_unused", f"SET LOCAL ROLE {CALLER}", "SELECT count(*) FROM pg_sync_roles.drop_unused_roles()",
                "RESET ROLE")


def public_grant(rng, st):
    r = rng.random()
    if r < 0.6:
        rel = _rel(rng, st)
        if not rel:
            return None
        verb = "GRANT SELECT ON {} TO PUBLIC" if r < 0.45 else "REVOKE ALL ON {} FROM PUBLIC"
        return hand("public_grant", verb.format(f"{grant_keyword(rel)} {qrel(rel.key)}"))
    s = qi(rng.choice(sorted(st.schemas)))
    verb = "GRANT USAGE ON SCHEMA {} TO PUBLIC" if r < 0.85 else "REVOKE ALL ON SCHEMA {} FROM PUBLIC"
    return hand("public_grant", verb.format(s))


def session_settings(rng, st):
    """The caller's session TimeZone and DateStyle (valid_until must mean the
    same instant whatever they are)."""
    tz = rng.choice(["UTC", "Asia/Shanghai", "America/New_York", "Pacific/Chatham", "Europe/Berlin"])
    ds = rng.choice(["ISO, MDY", "SQL, DMY", "German", "Postgres, YMD", "SQL, MDY"])
    return {"op": "session", "kind": "session_settings", "sql": [f"SET TimeZone = {ql(tz)}", f"SET DateStyle = {ql(ds)}"]}


def caller_usage_workaround():
    """Not a random change: with state:owner_without_usage off, run before
    every sync, so that the caller never owns an object in a schema it has no
    USAGE on (issue 10, fault 1)."""
    return hand("workaround_caller_usage", f"""DO $do$
DECLARE s text;
BEGIN
    FOR s IN SELECT nspname FROM pg_namespace
              WHERE nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'public')
                AND NOT has_schema_privilege({ql(CALLER)}, oid, 'USAGE') LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO {CALLER}', s);
    END LOOP;
END $do$""")


def grantor_usage_workaround():
    """Not a random change: with state:grantor_without_usage off, run before
    every sync, so that a role that granted a privilege on a relation (and
    is not its owner) has USAGE on the relation's schema (issue 10, fault 2)."""
    return hand("workaround_grantor_usage", r"""DO $do$
DECLARE r record;
BEGIN
    FOR r IN SELECT DISTINCT n.nspname, pg_get_userbyid(x.grantor) AS grantor
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                    LATERAL (SELECT t.grantor FROM aclexplode(c.relacl) t
                             UNION ALL
                             SELECT y.grantor FROM pg_attribute a, aclexplode(a.attacl) y
                              WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL) x
              WHERE n.nspname !~ '^pg_' AND n.nspname NOT IN ('information_schema', 'public')
                AND x.grantor <> c.relowner AND NOT has_schema_privilege(x.grantor, n.oid, 'USAGE') LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', r.nspname, r.grantor);
    END LOOP;
END $do$""")


# name -> (generator, weight)
KINDS = {
    "direct_grant": (direct_grant, 6),
    "column_grant": (column_grant, 3),
    "schema_grant": (schema_grant, 4),
    "other_grantor": (other_grantor, 3),
    "passed_on": (passed_on, 3),
    "grantor_loses_usage": (grantor_loses_usage, 1),
    "admin_option": (admin_option, 2),
    "membership": (membership, 3),
    "ownership": (ownership, 4),
    "login": (login, 2),
    "inherit": (inherit, 3),
    "create": (create, 4),
    "drop": (drop, 2),
    "rename": (rename, 2),
    "tamper_extra_priv": (tamper_extra_priv, 1),
    "tamper_grant_option": (tamper_grant_option, 1),
    "tamper_other_object": (tamper_other_object, 1),
    "tamper_member": (tamper_member, 1),
    "tamper_login": (tamper_login, 1),
    "tamper_revoke": (tamper_revoke, 1),
    "tamper_comment": (tamper_comment, 1),
    "tamper_column": (tamper_column, 1),
    "foreign_intermediate": (foreign_intermediate, 1),
    "lookalike_name": (lookalike_name, 1),
    "lookalike_member": (lookalike_member, 1),
    "drop_unused": (drop_unused, 2),
    "public_grant": (public_grant, 2),
    "session_settings": (session_settings, 1),
}


def gen_change(rng, st, enabled, grant_options=True):
    global GRANT_OPTIONS
    GRANT_OPTIONS = grant_options
    names = [n for n in KINDS if n in enabled and (n != "passed_on" or grant_options)]
    if not names:
        return None
    for _ in range(5):
        name = rng.choices(names, weights=[KINDS[n][1] for n in names])[0]
        step = KINDS[name][0](rng, st)
        if step:
            return step
    return None
