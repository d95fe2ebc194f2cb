"""Random valid grants documents over the universe, and what a document
declares, resolved against a state."""

from universe import DB, OTHER_DB, MISSING_DB, GROUPS, CALLER, MISSING_SCHEMAS

# Patterns for table_regex: PostgreSQL regular expressions, matched with ~.
REGEXES = ["^t", "^o", ".*", "1$", "^Mixed", '"', " ", "^v", "_", "^(o1|o2)_", "x$", "^new"]
VALID_UNTIL = ["2030-12-31", "2031-06-01 12:00:00+02", "2030-12-31 00:00:00+08", "2029-02-28T23:59:59Z"]
# Plaintext passwords documents may declare (doc:password).  The hand change
# "login" sets another one, changes.HAND_PASSWORD.
PASSWORDS = ["model pw one", "model-pw-2", "Model_Pw_3"]


def gen_document(rng, state, opts, previous=None):
    """A random valid document.  With `previous`, often a small change of it
    (or the same), as a periodic job would send."""
    if previous is not None:
        r = rng.random()
        if r < 0.2:
            return list(previous)
        if r < 0.6:
            doc = [g for g in previous if rng.random() > 0.25]
            for _ in range(rng.randint(0, 2)):
                _add_element(rng, state, opts, doc)
            return doc
    doc = []
    for _ in range(rng.choice([0, 1, 2, 3, 4, 5, 6, 8])):
        _add_element(rng, state, opts, doc)
    rng.shuffle(doc)
    return doc


def _schema_names(state):
    return sorted(state.schemas) + MISSING_SCHEMAS


def _add_element(rng, state, opts, doc):
    kinds = ["login", "database_connect", "role_membership", "schema_usage", "schema_create",
             "schema_ownership", "table_select", "table_select", "table_select", "table_ownership"]
    kind = rng.choice(kinds)
    schemas = _schema_names(state)
    rels = sorted(state.relations)
    if kind == "login":
        if any(g["type"] == "login" for g in doc):
            return
        g = {"type": "login"}
        r = rng.random()
        if r < 0.4:
            g["valid_until"] = rng.choice(VALID_UNTIL)
        elif r < 0.6:
            g["valid_until"] = None
        # A declared password is set again on every sync by a caller that
        # cannot read pg_authid (plan_empty allows that one statement).
        r = rng.random()
        if r < 0.3:
            g["password"] = None
        elif r < 0.6 and "password" in opts.gen:
            g["password"] = rng.choice(PASSWORDS)
        doc.append(g)
    elif kind == "database_connect":
        doc.append({"type": kind, "database": rng.choice([DB, DB, OTHER_DB, MISSING_DB])})
    elif kind == "role_membership":
        groups = list(GROUPS)
        if "member_of_caller" in opts.gen:
            groups.append(CALLER)
        doc.append({"type": kind, "role": rng.choice(groups)})
    elif kind in ("schema_usage", "schema_create"):
        g = {"type": kind, "schema": rng.choice(schemas)}
        if rng.random() < 0.5:
            g["direct"] = rng.random() < 0.7
        doc.append(g)
    elif kind == "schema_ownership":
        if "owner_without_usage" not in opts.gen:
            # Giving away a schema holding the caller's objects leaves the
            # caller without USAGE on it (issue 10, fault 1).
            mine = {r.schema for r in state.relations.values() if r.owner == CALLER}
            schemas = [s for s in schemas if s not in mine]
        doc.append({"type": kind, "schema": rng.choice(schemas)})
    elif kind == "table_select":
        g = {"type": kind}
        if rng.random() < 0.3:
            g["schema"] = rng.choice(schemas)
            g["table_regex"] = rng.choice(REGEXES)
        elif rels and rng.random() < 0.9:
            g["schema"], g["table"] = rng.choice(rels)
        else:
            g["schema"], g["table"] = rng.choice(schemas), "no_such_table"
        if rng.random() < 0.5:
            g["direct"] = rng.random() < 0.6
        doc.append(g)
    elif kind == "table_ownership":
        if rels and rng.random() < 0.9:
            s, t = rng.choice(rels)
        else:
            s, t = rng.choice(schemas), "no_such_table"
        doc.append({"type": kind, "schema": s, "table": t})


def direct_only(doc):
    """The document a DBA would write for a NOINHERIT role on 15: every
    privilege "direct", no database_connect (it has no direct form)."""
    return [dict(g, direct=True) if g["type"] in ("schema_usage", "schema_create", "table_select") else g
            for g in doc if g["type"] != "database_connect"]


def gen_preserve(rng, state):
    if rng.random() < 0.75:
        return []
    return rng.sample(sorted(state.schemas) + ["s_no_such_schema"], rng.randint(1, 2))


class Declared:
    """What a document declares for one role, resolved against the state
    after its sync (sync creates schemas but no tables, and renames nothing,
    so names resolve the same)."""

    def __init__(self, doc, state):
        self.login = next((g for g in doc if g["type"] == "login"), None)
        self.groups = {g["role"] for g in doc if g["type"] == "role_membership"}
        self.connect = {g["database"] for g in doc if g["type"] == "database_connect"}
        self.schema_privs = {}        # schema -> {privilege: direct?} (any direct one wins)
        self.own_schemas = {g["schema"] for g in doc if g["type"] == "schema_ownership"}
        self.own_tables = {(g["schema"], g["table"]) for g in doc if g["type"] == "table_ownership"}
        self.select = {}              # (schema, name) -> direct? (any direct one wins)
        self.select_nondirect = set()  # (schema, name) declared without direct
        self.schema_nondirect = set()  # (schema, privilege) declared without direct
        for g in doc:
            if g["type"] in ("schema_usage", "schema_create"):
                p = "USAGE" if g["type"] == "schema_usage" else "CREATE"
                d = self.schema_privs.setdefault(g["schema"], {})
                d[p] = d.get(p, False) or g.get("direct", False)
                if not g.get("direct", False):
                    self.schema_nondirect.add((g["schema"], p))
            if g["type"] != "table_select":
                continue
            if "table" in g:
                keys = [(g["schema"], g["table"])] if (g["schema"], g["table"]) in state.relations else []
            else:
                keys = [(g["schema"], n) for n in state.regex.get((g["schema"], g["table_regex"]), ())]
            for k in keys:
                self.select[k] = self.select.get(k, False) or g.get("direct", False)
                if not g.get("direct", False):
                    self.select_nondirect.add(k)


def regex_pairs(doc):
    return {(g["schema"], g["table_regex"]) for g in doc if g["type"] == "table_select" and "table_regex" in g}
