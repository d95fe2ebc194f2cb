"""What the database says: the catalog state of the universe, and the
effective access of chosen roles as PostgreSQL computes it
(has_*_privilege, pg_has_role).  Nothing here knows what sync should do."""

import re
from dataclasses import dataclass, field

from universe import CALLER, DB, OTHER_DB

REL_PRIVS = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]
SEQ_PRIVS = ["SELECT", "UPDATE", "USAGE"]
COL_PRIVS = ["SELECT", "INSERT", "UPDATE", "REFERENCES"]
SCHEMA_PRIVS = ["USAGE", "CREATE"]

# Schemas that are not part of the universe.
UNIVERSE_SCHEMAS = r"n.nspname !~ '^pg_' AND n.nspname NOT IN ('information_schema', 'public')"

MARKER = "pg_sync_roles: "


@dataclass
class Acl:
    grantee: str      # "public" for PUBLIC
    grantor: str
    privilege: str
    grantable: bool


@dataclass
class Schema:
    name: str
    oid: int
    owner: str
    acl: list


@dataclass
class Relation:
    schema: str
    name: str
    oid: int
    kind: str                 # relkind
    owner: str
    acl: list
    columns: list             # (column, Acl)
    linked_to: tuple = None   # (schema, name) of the table owning this sequence
    partition: bool = False

    @property
    def key(self):
        return (self.schema, self.name)


@dataclass
class Role:
    name: str
    oid: int
    login: bool
    valid_until: float        # epoch seconds; inf; None
    plain: bool               # no attribute but INHERIT
    inherit: bool
    comment: str
    references: int           # pg_shdepend rows in this database and shared ones
    references_here: int      # pg_shdepend rows in this database only
    member_of: dict = field(default_factory=dict)   # role -> admin option
    password_null: bool = None
    # The roles of member_of whose privileges it uses: on 15 all of them if
    # it is INHERIT, none if NOINHERIT; from 16 on those whose membership
    # has INHERIT (on some row), whatever its rolinherit.
    inherits: set = field(default_factory=set)


@dataclass
class State:
    db_oid: int
    databases: dict           # name -> (oid, owner, [Acl])
    schemas: dict             # name -> Schema
    relations: dict           # (schema, name) -> Relation
    roles: dict               # name -> Role (mdl_ and _pgsr_ roles)
    access: dict = field(default_factory=dict)      # role -> set of grants
    regex: dict = field(default_factory=dict)       # (schema, pattern) -> set of names
    version: int = 0                                # server_version_num

    @property
    def role_options(self):
        """From 16 on a membership has its own INHERIT (and SET) option."""
        return self.version >= 160000

    def rel_by_oid(self, oid):
        for r in self.relations.values():
            if r.oid == oid:
                return r
        return None

    def intermediates_holding(self, kind, key, privilege):
        acl = self.acl_of(kind, key)
        return sorted({a.grantee for a in acl if a.grantee.startswith("_pgsr_") and a.privilege == privilege})

    def acl_of(self, kind, key):
        if kind == "rel":
            r = self.relations.get(key)
            return r.acl if r else []
        if kind == "schema":
            s = self.schemas.get(key)
            return s.acl if s else []
        d = self.databases.get(key)
        return d[2] if d else []


def _acl(rows):
    return [Acl(*r) for r in rows] if rows else []


ACL_JSON = """coalesce((SELECT json_agg(json_build_array(
                   CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee)::text END,
                   pg_get_userbyid(x.grantor)::text, x.privilege_type, x.is_grantable))
              FROM aclexplode({col}) x), '[]')"""


def read_state(cur, superuser=True):
    """The catalog state of the universe (no access yet)."""
    cur.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
    db_oid = cur.fetchone()[0]

    cur.execute(f"""SELECT datname, oid, pg_get_userbyid(datdba)::text, {ACL_JSON.format(col='datacl')}
                      FROM pg_database WHERE datname IN (%s, %s)""", (DB, OTHER_DB))
    databases = {r[0]: (r[1], r[2], _acl(r[3])) for r in cur.fetchall()}

    cur.execute(f"""SELECT n.nspname, n.oid, pg_get_userbyid(n.nspowner)::text, {ACL_JSON.format(col='n.nspacl')}
                      FROM pg_namespace n WHERE {UNIVERSE_SCHEMAS}""")
    schemas = {r[0]: Schema(r[0], r[1], r[2], _acl(r[3])) for r in cur.fetchall()}

    cur.execute(f"""
        SELECT n.nspname, c.relname, c.oid, c.relkind::text, pg_get_userbyid(c.relowner)::text,
               {ACL_JSON.format(col='c.relacl')},
               coalesce((SELECT json_agg(json_build_array(a.attname::text,
                                  CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee)::text END,
                                  pg_get_userbyid(x.grantor)::text, x.privilege_type, x.is_grantable))
                           FROM pg_attribute a, aclexplode(a.attacl) x
                          WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.attacl IS NOT NULL), '[]'),
               (SELECT json_build_array(tn.nspname, t.relname)
                  FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                  JOIN pg_namespace tn ON tn.oid = t.relnamespace
                 WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
                   AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1),
               c.relispartition
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE {UNIVERSE_SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
           AND c.relpersistence <> 't'""")
    relations = {}
    for r in cur.fetchall():
        cols = [(c[0], Acl(c[1], c[2], c[3], c[4])) for c in r[6]]
        rel = Relation(r[0], r[1], r[2], r[3], r[4], _acl(r[5]), cols,
                       tuple(r[7]) if r[7] else None, r[8])
        relations[rel.key] = rel

    cur.execute("""
        SELECT r.rolname::text, r.oid, r.rolcanlogin, extract(epoch FROM r.rolvaliduntil)::float8,
               NOT (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls
                    OR r.rolcanlogin),
               r.rolinherit, shobj_description(r.oid, 'pg_authid'),
               (SELECT count(*) FROM pg_shdepend d WHERE d.refclassid = 'pg_authid'::regclass
                   AND d.refobjid = r.oid AND d.dbid IN (0, %(db)s)),
               (SELECT count(*) FROM pg_shdepend d WHERE d.refclassid = 'pg_authid'::regclass
                   AND d.refobjid = r.oid AND d.dbid = %(db)s)
          FROM pg_roles r
         WHERE r.rolname LIKE 'mdl\\_%%' OR r.rolname LIKE '\\_pgsr\\_%%'""", {"db": db_oid})
    roles = {r[0]: Role(*r) for r in cur.fetchall()}
    # From 16 on CREATE ROLE gives its creator ADMIN OPTION on the new role,
    # with neither INHERIT nor SET: the caller's row of that kind is what
    # PostgreSQL does for every CREATE ROLE by hand, and is not observed.
    cur.execute("SELECT current_setting('server_version_num')::int")
    version = cur.fetchone()[0]
    options = version >= 160000
    creator_rows = ("AND NOT (m.rolname = %(caller)s AND a.admin_option AND NOT a.inherit_option"
                    " AND NOT a.set_option)" if options else "")
    # Whether the member uses the role's privileges (has_*_privilege follows the same).
    inherit = "a.inherit_option" if options else "m.rolinherit"
    cur.execute(f"""
        SELECT m.rolname::text, g.rolname::text, a.admin_option, {inherit}
          FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member JOIN pg_roles g ON g.oid = a.roleid
         WHERE (m.rolname LIKE 'mdl\\_%%' OR m.rolname LIKE '\\_pgsr\\_%%') """ + creator_rows,
                {"caller": CALLER})
    for member, group, admin, inherits in cur.fetchall():
        roles[member].member_of[group] = admin
        if inherits:
            roles[member].inherits.add(group)
    if superuser:
        cur.execute("SELECT rolname::text, rolpassword IS NULL FROM pg_authid WHERE rolname LIKE 'mdl\\_%'")
        for name, null in cur.fetchall():
            roles[name].password_null = null
    return State(db_oid, databases, schemas, relations, roles, version=version)


def read_access(cur, state, roles):
    """Adds to `state` the effective access of `roles` (those that exist, and
    "public"): a set of tuples (kind, object, privilege) where privilege is
    e.g. "SELECT", "SELECT*" (with grant option) or "col:UPDATE" (on some
    column), and kind is rel, schema, db or member (of a mdl_ role)."""
    names = [r for r in roles if r == "public" or r in state.roles]
    names = list(dict.fromkeys(names))
    if not names:
        return
    cur.execute(f"""
        WITH who(name) AS (SELECT unnest(%(names)s::text[])),
        rels AS (SELECT c.oid, n.nspname, c.relname, c.relkind
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE {UNIVERSE_SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                    AND c.relpersistence <> 't'),
        relp AS (SELECT rels.*, p FROM rels, unnest(CASE WHEN relkind = 'S' THEN %(seq)s::text[]
                                                      ELSE %(rel)s::text[] END) p)
        SELECT who.name, 'rel', json_build_array(nspname, relname), p || g
          FROM who, relp, (VALUES (''), ('*')) v(g)
         WHERE CASE WHEN relkind = 'S'
                    THEN has_sequence_privilege(who.name, relp.oid, p || CASE g WHEN '*' THEN ' WITH GRANT OPTION' ELSE '' END)
                    ELSE has_table_privilege(who.name, relp.oid, p || CASE g WHEN '*' THEN ' WITH GRANT OPTION' ELSE '' END) END
        UNION ALL
        SELECT who.name, 'rel', json_build_array(nspname, relname), 'col:' || p
          FROM who, rels, unnest(%(col)s::text[]) p
         WHERE relkind <> 'S' AND has_any_column_privilege(who.name, rels.oid, p)
        UNION ALL
        SELECT who.name, 'schema', to_json(n.nspname), p || g
          FROM who, pg_namespace n, unnest(%(sch)s::text[]) p, (VALUES (''), ('*')) v(g)
         WHERE {UNIVERSE_SCHEMAS}
           AND has_schema_privilege(who.name, n.oid, p || CASE g WHEN '*' THEN ' WITH GRANT OPTION' ELSE '' END)
        UNION ALL
        SELECT who.name, 'db', to_json(d.datname), 'CONNECT'
          FROM who, pg_database d
         WHERE d.datname IN (%(db)s, %(other)s) AND has_database_privilege(who.name, d.oid, 'CONNECT')
        UNION ALL
        SELECT who.name, 'member', to_json(g.rolname), 'MEMBER'
          FROM who, pg_roles g
         WHERE who.name <> 'public' AND g.rolname LIKE 'mdl\\_%%' AND g.rolname <> who.name
           AND pg_has_role(who.name, g.oid, 'MEMBER')""",
                {"names": names, "seq": SEQ_PRIVS, "rel": REL_PRIVS, "col": COL_PRIVS, "sch": SCHEMA_PRIVS,
                 "db": DB, "other": OTHER_DB})
    out = {n: set() for n in names}
    for who, kind, obj, priv in cur.fetchall():
        out[who].add((kind, tuple(obj) if isinstance(obj, list) else obj, priv))
    state.access.update(out)


def read_regex(cur, state, pairs):
    """Which relations of a schema each (schema, pattern) matches, as sync
    matches them (PostgreSQL's ~, not sequences)."""
    for schema, pattern in pairs:
        cur.execute(f"""SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                           AND c.relpersistence <> 't' AND c.relname ~ %s""", (schema, pattern))
        state.regex[(schema, pattern)] = {r[0] for r in cur.fetchall()}


# ------------------------------------------------------------ intermediates

def intermediate_pattern(db_oid, kind):
    return re.compile(r"^_pgsr_local_%d_%s_[0-9a-f]{8}$" % (db_oid, kind))


CONNECT_PATTERN = re.compile(r"^_pgsr_global_database_connect_[0-9a-f]{8}$")
FOREIGN_PATTERN = re.compile(r"^_pgsr_local_([0-9]+)_(schema_usage|schema_create|table_select)_[0-9a-f]{8}$")


def fit_intermediate(state, role_name, kind, key, privilege):
    """Whether `role_name` may stand for `privilege` on an object, as the
    README says an intermediate role is reused: named prefix + 8 hex, plain
    (NOLOGIN, no attribute, a member of nothing), holding exactly that
    privilege on the object (no other privilege there, table or column; no
    grant option), and made for it (its comment names the object's oid), or
    unmarked and named in no other ACL."""
    role = state.roles.get(role_name)
    if role is None or not role.plain or role.member_of:
        return False
    if kind == "db":
        if not CONNECT_PATTERN.match(role_name):
            return False
        oid, catalog = state.databases[key][0], "pg_database"
    else:
        what = {"USAGE": "schema_usage", "CREATE": "schema_create", "SELECT": "table_select"}[privilege]
        if not intermediate_pattern(state.db_oid, what).match(role_name):
            return False
        if kind == "schema":
            oid, catalog = state.schemas[key].oid, "pg_namespace"
        else:
            oid, catalog = state.relations[key].oid, "pg_class"
    entries = [a for a in state.acl_of(kind, key) if a.grantee == role_name]
    if not entries or any(a.privilege != privilege or a.grantable for a in entries):
        return False
    if kind == "rel" and any(a.grantee == role_name for _, a in state.relations[key].columns):
        return False
    if role.comment and role.comment.startswith(MARKER):
        return (role.comment.startswith(f"{MARKER}intermediate role for {privilege} on ")
                and role.comment.endswith(f" [{catalog} {oid}]"))
    return role.references == 1


def foreign_intermediate(state, role_name):
    """Another existing database's intermediate role, which a sync here must
    leave alone: the name of one (with that database's oid), plain, a member of
    nothing, holding nothing here."""
    m = FOREIGN_PATTERN.match(role_name)
    role = state.roles.get(role_name)
    if not m or role is None or int(m.group(1)) == state.db_oid:
        return False
    if int(m.group(1)) not in {d[0] for d in state.databases.values()}:
        return False
    return role.plain and not role.member_of and role.references_here == 0
