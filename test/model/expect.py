"""The model: what must hold after sync(role, document, preserve), checked
against what PostgreSQL says.  Each check has a name (its switch:
``check:<name>``) and returns failures as (kind, detail): the kind is short
and names no random role, so that the same fault gives the same kind (a
failing run is shrunk to a replay of that kind).

The documented exceptions the model allows (README, "What sync does"):
privileges granted to PUBLIC; what an owner has; privileges and ownership
inside schemas listed in preserve_existing_grants_in_schemas; privileges on
databases held directly (not managed: only CONNECT through database_connect
is); sequences (not matched by table_regex; one owned by a column follows its
table); access that others granted to an intermediate role the role is
rightly a member of; memberships of another existing database's
intermediate roles.
"""

import math
import re

from observe import (REL_PRIVS, SEQ_PRIVS, COL_PRIVS, SCHEMA_PRIVS, fit_intermediate, foreign_intermediate)
from universe import CALLER, DB, OTHER_DB, KNOWN_NAMES

KIND_NAME = {"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view", "S": "sequence",
             "f": "foreign table"}

# Whether a stand-alone sequence the role owns and does not declare stays its
# own (main's README after the security rework, DESIGN.md) or is given back
# like any other table-like object (the README of the code this test was
# written against).  model.py --sequences.
SEQUENCES_KEPT = False

CHECKS = ["sync_ok", "access", "memberships", "ownership", "login", "plan_empty", "bystanders",
          "caller_memberships", "recipient", "fresh", "password"]


def normalize(message):
    """An error message or statement without the names and numbers in it."""
    m = message.split("\n")[0].replace("ERROR:", "").strip()
    for name in sorted(KNOWN_NAMES, key=len, reverse=True):
        for form in ('"' + name.replace('"', '""') + '"', '"' + name + '"', name):
            m = m.replace(form, "…")
    m = re.sub(r"_pgsr_[a-z0-9_]+", "…", m)
    m = re.sub(r'"(?:[^"]|"")*"', "…", m)
    return re.sub(r"\d+", "N", m)


def coarse(kind):
    return {"rel": "a relation", "schema": "a schema", "db": "a database", "member": "a role"}[kind]


def objkind(state, kind, obj):
    if kind == "rel":
        rel = state.relations[obj]
        return ("partition" if rel.partition else KIND_NAME[rel.kind]) + \
            (" (column-owned)" if rel.linked_to else "")
    return {"schema": "schema", "db": "database"}[kind]


def show(kind, obj):
    if kind == "rel":
        return f'"{obj[0]}"."{obj[1]}"'
    return f'{kind} "{obj}"'


class Model:
    """What a document means for one role, against the states before and
    after its sync."""

    def __init__(self, role, decl, preserve, before, after):
        self.role, self.decl, self.preserve, self.before, self.after = role, decl, set(preserve), before, after
        self.direct = dict(after.roles[role].member_of) if role in after.roles else {}
        # The memberships whose privileges it uses (NOINHERIT: none on 15;
        # from 16 on, per membership).
        self.inherits = after.roles[role].inherits if role in after.roles else set()
        self.needs = self._needs()
        self.fit = {m: [n for n in self.needs if fit_intermediate(after, m, *n)] for m in self.direct}
        self.sources = [m for m in self.direct if m in self.inherits
                        and (m in decl.groups or self.fit[m] or foreign_intermediate(after, m))] + ["public"]

    def _needs(self):
        """(kind, object, privilege) the role must get through an intermediate
        role: declared without "direct", on an object that exists and that the
        role does not own (an owner needs none)."""
        a, r, out = self.after, self.role, set()
        for d in self.decl.connect:
            if d in a.databases:
                out.add(("db", d, "CONNECT"))
        for s, p in self.decl.schema_nondirect:
            if s in a.schemas and a.schemas[s].owner != r:
                out.add(("schema", s, p))
        for k in self.decl.select_nondirect:
            if k in a.relations and a.relations[k].owner != r:
                out.add(("rel", k, "SELECT"))
        return out

    def universe(self):
        """Every (kind, object, privilege) the access check looks at."""
        for key, rel in sorted(self.after.relations.items()):
            for p in (SEQ_PRIVS if rel.kind == "S" else REL_PRIVS):
                yield "rel", key, p
                yield "rel", key, p + "*"
            if rel.kind != "S":
                for p in COL_PRIVS:
                    yield "rel", key, "col:" + p
        for s in sorted(self.after.schemas):
            for p in SCHEMA_PRIVS:
                yield "schema", s, p
                yield "schema", s, p + "*"
        for d in (DB, OTHER_DB):
            yield "db", d, "CONNECT"

    def from_sources(self, item):
        return any(item in self.after.access.get(s, ()) for s in self.sources)

    def preserved_direct(self, key, privilege):
        """What the role held directly on a relation of a preserved schema
        before the sync (kept as it was)."""
        rel, old = self.after.relations[key], self.before.relations.get(key)
        if rel.schema not in self.preserve or not old or old.oid != rel.oid:
            return False
        base, go = privilege.rstrip("*"), privilege.endswith("*")
        if base.startswith("col:"):
            return any(a.grantee == self.role and a.privilege == base[4:] for _, a in old.columns)
        return any(a.grantee == self.role and a.privilege == base and (a.grantable or not go) for a in old.acl)

    def expected(self, kind, obj, privilege):
        item = (kind, obj, privilege)
        if self.from_sources(item):
            return True
        base, go = privilege.rstrip("*"), privilege.endswith("*")
        if kind == "rel":
            if self.after.relations[obj].owner == self.role:
                return True
            if self.preserved_direct(obj, privilege):
                return True
            if base.startswith("col:"):
                return self.expected(kind, obj, base[4:])   # a table privilege covers the columns
            return not go and base == "SELECT" and obj in self.decl.select
        if kind == "schema":
            if self.after.schemas[obj].owner == self.role:
                return True
            return not go and base in self.decl.schema_privs.get(obj, {})
        # CONNECT: declared, or granted directly (database privileges held
        # directly are not managed).
        if obj in self.decl.connect:
            return True
        return any(a.grantee == self.role and a.privilege == "CONNECT" for a in self.after.databases[obj][2])


# ----------------------------------------------------- refusals up front

def owns_after(state, role, decl, preserve, key):
    """Whether `role` owns a relation after its sync (from the state before
    it): it declares it, keeps it (in a preserved schema, or a stand-alone
    sequence), or owns its table (a column-owned sequence)."""
    rel = state.relations[key]
    if rel.linked_to and rel.linked_to in state.relations:
        return owns_after(state, role, decl, preserve, rel.linked_to)
    kept = rel.schema in preserve or (SEQUENCES_KEPT and rel.kind == "S")
    return key in decl.own_tables or (rel.owner == role and kept)


def needs_intermediate(state, role, doc, preserve, g):
    """Whether element `g` of `doc` has sync make `role` a member of an
    intermediate role (from the state before the sync): database_connect
    of an existing database; a schema or table privilege declared without
    "direct" on an existing object the role does not own after the sync."""
    from docs import Declared
    decl = Declared(doc, state)
    if g["type"] == "database_connect":
        return g["database"] in state.databases
    if g.get("direct", False):
        return False
    if g["type"] in ("schema_usage", "schema_create"):
        return g["schema"] in state.schemas and g["schema"] not in decl.own_schemas
    if g["type"] == "table_select":
        return any(not owns_after(state, role, decl, preserve, k) for k in Declared([g], state).select)
    return False


def noinherit_refusal(message, doc, role, state, preserve, inherit):
    """Whether an error message is the refusal the README documents for a
    NOINHERIT role on 15 (it would get nothing from an intermediate role):
    for the element it names, one that needs an intermediate role."""
    m = re.match(r"^grants\[(\d+)\]: ", message)
    if inherit or state.role_options or not m or int(m.group(1)) >= len(doc):
        return False
    g = doc[int(m.group(1))]
    want = (f'{m.group(0)}role "{role}" is NOINHERIT, so the privileges of intermediate roles would not apply '
            f'to it' + ("" if g["type"] == "database_connect" else '; declare it "direct": true'))
    return message == want and needs_intermediate(state, role, doc, preserve, g)


# ------------------------------------------------------------------ checks

def privilege_class(p):
    """A privilege as failure kinds name it (so that one fault is one kind)."""
    if p.endswith("*"):
        return "a grant option"
    if p.startswith("col:"):
        return "a column privilege"
    return p if p in ("SELECT", "USAGE", "CREATE", "CONNECT") else "another privilege"


def check_access(m):
    out = []
    have = m.after.access.get(m.role, set())
    for kind, obj, p in m.universe():
        want, got = m.expected(kind, obj, p), (kind, obj, p) in have
        if want != got:
            what = "has" if got else "lacks"
            out.append((f"{what} {privilege_class(p)} on {coarse(kind)}",
                        f"{m.role} {what} {p} on "
                        + (f"{objkind(m.after, kind, obj)} " if kind == "rel" else "") + show(kind, obj)))
    return out


def check_memberships(m):
    out = []
    for g, admin in sorted(m.direct.items()):
        if admin:
            out.append(("keeps ADMIN OPTION", f"{m.role} is a member of {g} WITH ADMIN OPTION"))
        if g in m.decl.groups or m.fit[g] or foreign_intermediate(m.after, g):
            continue
        what = "an intermediate role" if g.startswith("_pgsr_") else "a role"
        out.append((f"member of {what} not declared",
                    f"{m.role} is a member of {g}, which the document does not call for"))
    for g in sorted(m.decl.groups):
        if g not in m.direct:
            out.append(("declared membership missing", f"{m.role} is not a member of {g}"))
    role = m.after.roles.get(m.role)
    if m.needs and role and not role.inherit and not m.after.role_options:
        # On 15 a NOINHERIT role would get nothing from them: refused up front.
        need = sorted(m.needs, key=str)[0]
        out.append((f"NOINHERIT role not refused {need[2]} on {coarse(need[0])} through an intermediate role",
                    f"{m.role} is NOINHERIT and the document gives it {need[2]} on {show(need[0], need[1])} "
                    f"without \"direct\""))
    for need in sorted(m.needs, key=str):
        n = sum(1 for g in m.direct if need in m.fit[g])
        if n != 1:
            out.append((f"{'no' if n == 0 else 'several'} intermediate role for {need[2]} on {coarse(need[0])}",
                        f"{m.role} is a member of {n} fit intermediate roles for {need[2]} on {show(need[0], need[1])}"))
        elif m.after.role_options and not any(need in m.fit[g] and g in m.inherits for g in m.direct):
            out.append((f"intermediate role for {need[2]} on {coarse(need[0])} without INHERIT",
                        f"{m.role}'s membership of the intermediate role for {need[2]} on {show(need[0], need[1])} "
                        f"has no INHERIT"))
    old = m.before.roles.get(m.role)
    for g in sorted(old.member_of if old else ()):
        if foreign_intermediate(m.before, g) and foreign_intermediate(m.after, g) and g not in m.direct:
            out.append(("another database's intermediate role revoked", f"{m.role} lost {g}"))
    return out


def check_ownership(m):
    out, r = [], m.role
    for s, sc in sorted(m.after.schemas.items()):
        want, got = s in m.decl.own_schemas, sc.owner == r
        if want != got:
            out.append((f"{'owns' if got else 'does not own'} schema",
                        f"schema {s} is owned by {sc.owner}, document says {'yes' if want else 'no'} for {r}"))
    for key, rel in sorted(m.after.relations.items()):
        if rel.linked_to:
            table = m.after.relations.get(rel.linked_to)
            if table and table.owner != rel.owner:
                out.append(("column-owned sequence not owned as its table",
                            f"{show('rel', key)} owned by {rel.owner}, its table by {table.owner}"))
            continue
        old = m.before.relations.get(key)
        kept = (rel.schema in m.preserve or (SEQUENCES_KEPT and rel.kind == "S")) \
            and old and old.oid == rel.oid and old.owner == r
        want, got = key in m.decl.own_tables or kept, rel.owner == r
        if want != got:
            out.append((f"{'owns' if got else 'does not own'} a relation",
                        f"{show('rel', key)} is owned by {rel.owner}, document says {'yes' if want else 'no'} for {r}"))
    return out


def check_login(m, valid_until):
    role = m.after.roles[m.role]
    if not m.decl.login:
        out = []
        if role.login:
            out.append(("can still log in", f"{m.role} can log in"))
        # LOGIN is revoked as NOLOGIN PASSWORD NULL.  (A role that was NOLOGIN
        # already keeps a password the caller cannot see: only a caller that
        # can read pg_authid removes it, says the README.)
        old = m.before.roles.get(m.role)
        if old and old.login and role.password_null is False:
            out.append(("keeps a password", f"{m.role} lost LOGIN but kept a password"))
        return out
    if not role.login:
        return [("cannot log in", f"{m.role} cannot log in")]
    want = valid_until if valid_until is not None else math.inf
    got = role.valid_until if role.valid_until is not None else math.inf
    if want != got and not (math.isfinite(want) and math.isfinite(got) and abs(want - got) < 1e-3):
        return [("wrong VALID UNTIL", f"{m.role} valid until epoch {got}, declared {want} "
                                      f"({m.decl.login.get('valid_until')!r})")]
    return []


SHAPE_WORDS = {"GRANT", "REVOKE", "ON", "TABLE", "SEQUENCE", "SCHEMA", "DATABASE", "CASCADE", "SET", "ROLE;",
               "ROLE", "ALTER", "OWNER", "TO", "FROM", "WITH", "LOGIN", "NOLOGIN", "VALID", "UNTIL", "PASSWORD",
               "NULL", "OPTION", "ADMIN", "FOR", "COMMENT", "VIEW", "MATERIALIZED", "…"}


def password_row(role):
    """The one statement plan has after a sync that declared a password (the
    caller cannot read pg_authid, so it sets it again; README, login)."""
    name = re.escape(role) + "|" + re.escape('"' + role.replace('"', '""') + '"')
    return re.compile(r"^ALTER ROLE (%s) WITH LOGIN PASSWORD '<redacted>' VALID UNTIL '[^']*'$" % name)


def check_plan_empty(rows, role, password):
    """plan's rows after a sync: none (but the password set again, where the
    document declares one).  The kind names the first statement that is not
    the caller borrowing a role for the call."""
    if password is not None:
        again = password_row(role)
        rows = [r for r in rows if not (r[1] == "alter_role" and again.match(r[2]))]
    if not rows:
        return []
    borrow = re.compile(r"^(GRANT .* TO|REVOKE .* FROM) %s$" % re.escape(CALLER))
    real = [r for r in rows if not borrow.match(r[2])] or rows
    _, action, statement = real[0]
    words = normalize(statement).replace("SET ROLE …; ", "SET ROLE; ").split()
    shape = " ".join(w for w in words if w in SHAPE_WORDS)
    return [(f"{action}: {shape}", f"plan still has {len(rows)} rows: " + "; ".join(f"{a}: {s}" for _, a, s in rows[:5]))]


def check_bystanders(role, bystanders, before, after):
    """Other roles' access is what it was, except on objects whose owner the
    sync changed, and privileges derived from grants the synced role made
    (revoked with CASCADE, as PostgreSQL requires)."""
    out = []
    changed = set()
    for key, rel in after.relations.items():
        old = before.relations.get(key)
        if not old or old.owner != rel.owner or _granted_through(old, role):
            changed.add(("rel", key))
    for s, sc in after.schemas.items():
        old = before.schemas.get(s)
        if not old or old.owner != sc.owner or _granted_through_acl(old.acl, role):
            changed.add(("schema", s))
    for b in bystanders:
        if b == role or b not in before.access or b not in after.access:
            continue
        if ("member", role, "MEMBER") in before.access[b] | after.access[b]:
            continue   # a member of the synced role gets what it gets
        for kind, obj, p in sorted(before.access[b] ^ after.access[b], key=str):
            if (kind, obj) in changed:
                continue
            what = "gained" if (kind, obj, p) in after.access[b] else "lost"
            k = "a membership" if kind == "member" else f"{privilege_class(p)} on {coarse(kind)}"
            out.append((f"another role {what} {k}", f"{b} {what} {p} on {show(kind, obj)}"))
    return out


def _granted_through_acl(acl, role):
    grantors, grew = {role}, True
    while grew:
        grew = False
        for a in acl:
            if a.grantor in grantors and a.grantee not in grantors:
                grantors.add(a.grantee)
                grew = True
    return len(grantors) > 1


def _granted_through(rel, role):
    return _granted_through_acl(rel.acl + [a for _, a in rel.columns], role)


def check_recipient(role, before, after):
    """What the role owned and lost goes to an owner with no rights, never the
    caller (issue 6: nothing a role made may run with more rights than it had)."""
    out = []
    lost = [("schema", s, sc.owner) for s, sc in after.schemas.items()
            if s in before.schemas and before.schemas[s].oid == sc.oid and before.schemas[s].owner == role != sc.owner]
    lost += [("rel", k, r.owner) for k, r in after.relations.items()
             if not r.linked_to and k in before.relations and before.relations[k].oid == r.oid
             and before.relations[k].owner == role != r.owner]
    for kind, obj, owner in sorted(lost, key=str):
        new = after.roles.get(owner)
        if owner == CALLER:
            out.append(("given to the caller", f"{show(kind, obj)} taken from {role} went to the caller {owner}"))
        elif owner.startswith("mdl_") or new is None or new.login or new.member_of:
            out.append(("given to a role with rights", f"{show(kind, obj)} taken from {role} went to {owner}"))
    return out


def check_fresh(role, preserve, before_t, t_state, f_state, fresh):
    """sync(A) ... sync(B) leaves the role with the access a fresh role synced
    with B gets (in preserved schemas the old role may keep more; direct
    database privileges are not managed)."""
    def kept_sequence(state, obj, who):
        rel = state.relations.get(obj)
        return rel and SEQUENCES_KEPT and rel.kind == "S" and rel.owner == who and not rel.linked_to

    def comparable(state, who):
        out = set()
        for kind, obj, p in state.access.get(who, ()):
            if kind == "rel" and obj[0] in preserve:
                continue
            # A sequence the old role owns stays its own (declared or not:
            # compared as ownership); its owner has every privilege on it,
            # so what the document gives the fresh role there is not compared.
            if kind == "rel" and (kept_sequence(state, obj, who) or kept_sequence(t_state, obj, role)):
                continue
            if kind == "member" and obj in (role, fresh):
                continue
            if kind == "db" and any(a.grantee == who and a.privilege == "CONNECT" for a in state.databases[obj][2]):
                continue
            out.add((kind, obj, p))
        return out
    t, f = comparable(t_state, role), comparable(f_state, fresh)
    # From 16 on INHERIT is per membership, set when it is granted (a declared
    # membership with PostgreSQL's default: the member's INHERIT then): where
    # the old and the fresh role's memberships of a role differ in it, what
    # that role has is not compared.
    tr, fr = t_state.roles[role], f_state.roles[fresh]
    for g in tr.member_of.keys() & fr.member_of.keys() if t_state.role_options else ():
        if (g in tr.inherits) != (g in fr.inherits):
            t -= t_state.access.get(g, set())
            f -= t_state.access.get(g, set())
    out = []
    for kind, obj, p in sorted(t ^ f, key=str):
        who = role if (kind, obj, p) in t else fresh
        k = "a membership" if kind == "member" else f"{privilege_class(p)} on {coarse(kind)}"
        out.append((f"only the {'old' if who == role else 'fresh'} role has {k}", f"only {who} has {p} on {show(kind, obj)}"))

    def login(r):   # NULL and infinity both mean forever; NOLOGIN has no validity
        return (r.login, (math.inf if r.valid_until is None else r.valid_until) if r.login else None)
    if login(tr) != login(fr):
        out.append(("login differs", f"{role}: {tr.login} {tr.valid_until}; fresh: {fr.login} {fr.valid_until}"))
    return out
