"""Runs steps against the server: resets the universe, applies hand changes,
syncs and checks each sync against the model."""

import json
import math
import os
import re
import time

import psycopg2
import psycopg2.extensions

import expect
from changes import HAND_PASSWORD
from docs import Declared, regex_pairs
from expect import Model
from observe import read_state, read_access, read_regex
from universe import (DB, OTHER_DB, CALLER, FRESH, BYSTANDERS, TARGETS, SETUP_CLUSTER, SETUP_DB,
                      SETUP_EXTENSION, reset_sql_cluster, reset_sql_in_db, reset_sql_roles)


LOCK_KEY = 7_466_352_003   # pg_try_advisory_lock key held by a run, in the maintenance database


class Failure:
    def __init__(self, check, kind, detail):
        self.check, self.kind, self.detail = check, kind, detail

    @property
    def signature(self):
        return f"{self.check}: {self.kind}"

    def __str__(self):
        return f"[{self.check}] {self.kind}: {self.detail}"


class Server:
    """The connections: the superuser (PG* environment) to the maintenance
    database, to DB and to OTHER_DB; the caller to DB."""

    def __init__(self, maintenance_db="postgres"):
        self.maintenance_db = maintenance_db
        self.su_main = self._connect(maintenance_db)
        self.su = self.other = self.caller = None
        # role -> the password it was last given (by a sync that declared
        # one, or by hand); forgotten when a sync removes its login.
        self.passwords = {}
        # One run at a time per cluster: a reset drops what another run uses.
        with self.su_main.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,))
            if not cur.fetchone()[0]:
                raise SystemExit("another model test run is using this cluster (advisory lock "
                                 f"{LOCK_KEY} in database {maintenance_db} is held)")

    @staticmethod
    def _connect(dbname, user=None):
        kw = {"dbname": dbname, "application_name": "pgsr-model"}
        if user:
            kw["user"] = user
        c = psycopg2.connect(**kw)
        c.autocommit = True
        with c.cursor() as cur:
            cur.execute("SET client_min_messages = warning")
        return c

    def close_db_connections(self):
        for c in (self.su, self.other, self.caller):
            if c is not None:
                c.close()
        self.su = self.other = self.caller = None

    def reset(self):
        """Puts the universe back as it was made.  The first time, the
        databases and roles are made anew; then (faster than CREATE DATABASE)
        the schemas, the test roles' objects and privileges and the roles are
        dropped in place, and made again."""
        if self.su is None:
            self.close_db_connections()
            with self.su_main.cursor() as cur:
                for sql in reset_sql_cluster() + SETUP_CLUSTER:
                    cur.execute(sql)
            self.su = self._connect(DB)
            self.other = self._connect(OTHER_DB)
            with self.su.cursor() as cur:
                for sql in SETUP_EXTENSION:
                    cur.execute(sql)
        else:
            if self.caller is not None:
                self.caller.close()
            for conn in (self.su, self.other):
                with conn.cursor() as cur:
                    for sql in reset_sql_in_db():
                        cur.execute(sql)
            with self.su_main.cursor() as cur:
                for sql in reset_sql_roles():
                    cur.execute(sql)
        with self.su.cursor() as cur:
            for sql in SETUP_DB:
                cur.execute(sql)
            cur.execute("SET TimeZone = 'UTC'")
        self.caller = self._connect(DB, CALLER)
        self.passwords = {}

    def teardown(self):
        self.close_db_connections()
        with self.su_main.cursor() as cur:
            for sql in reset_sql_cluster():
                cur.execute(sql)
        self.su_main.close()


class Stats:
    def __init__(self):
        self.syncs_passed = self.syncs_failed = 0
        self.checks_passed = self.checks_failed = 0
        self.sync_seconds = 0.0
        self.hand_steps = self.hand_skipped = 0
        # Checked syncs of a NOINHERIT role, documented refusals, password logins tried.
        self.noinherit_syncs = self.refused = self.logins = 0


# A hand change giving a synced role a password (changes.login).
_SETS_PASSWORD = re.compile(r"""^ALTER ROLE "((?:[^"]|"")*)" .*PASSWORD '((?:[^']|'')*)'$""")


def run_hand(server, step):
    """Runs a hand change in one transaction; returns the error, if any (a
    change that no longer applies, e.g. to a dropped table, is skipped)."""
    if step["op"] == "session":
        with server.caller.cursor() as cur:
            for sql in step["sql"]:
                cur.execute(sql)
        return None
    conn = server.other if step.get("db") == "other" else server.su
    conn.autocommit = False
    try:
        with conn.cursor() as cur:
            for sql in step["sql"]:
                cur.execute(sql)
        conn.commit()
        for sql in step["sql"]:
            m = _SETS_PASSWORD.match(sql)
            if m:
                server.passwords[m.group(1).replace('""', '"')] = m.group(2).replace("''", "'")
        return None
    except psycopg2.Error as e:
        conn.rollback()
        if step["kind"].startswith("workaround"):
            raise       # not a random change: it must work
        return (e.pgerror or str(e)).strip().split("\n")[0]
    finally:
        conn.autocommit = True


def call_sync(cur, fn, step, role=None):
    cur.execute(f"SELECT step, action, statement FROM pg_sync_roles.{fn}(%s, %s::jsonb, %s::text[])",
                (role or step["role"], json.dumps(step["doc"]), step.get("preserve", [])))
    return cur.fetchall()


def observe(server, roles, doc=()):
    with server.su.cursor() as cur:
        st = read_state(cur)
        read_regex(cur, st, regex_pairs(doc))
        more = []
        for r in roles:
            if r in st.roles:
                more += list(st.roles[r].member_of)
        read_access(cur, st, list(roles) + more)
    return st


_NEEDS_MEMBER = re.compile(r'it needs the rights of "(.*)", which is \(or is declared\) a member of the calling role')


def _members_of_caller(st):
    """The roles of a state that are members of the caller, directly or
    through other roles."""
    found, changed = {CALLER}, True
    while changed:
        changed = False
        for name, r in st.roles.items():
            if name not in found and any(g in found for g in r.member_of):
                found.add(name)
                changed = True
    return found - {CALLER}


def refused_member_of_caller(error, doc, role, st):
    """A refusal up front that the documentation describes: a change that
    needs the rights of a role that is, or that the document declares, a
    member of the caller is a 22023 (lending it to the caller would be a
    circular membership; issue 10 (4): "works, or a clear 22023"); and from 16
    on declaring the caller at all is a 42501, since no role holds ADMIN
    OPTION on itself there.  `st` is the state before the sync."""
    message = error.pgerror or ""
    declares = any(g["type"] == "role_membership" and g["role"] == CALLER for g in doc)
    if error.pgcode == "42501":
        return declares and "a role cannot grant membership in itself" in message
    m = _NEEDS_MEMBER.search(message) if error.pgcode == "22023" else None
    if not m:
        return False
    needed = m.group(1)
    return (declares and needed == role) or needed in _members_of_caller(st)


def documented_refusal(error, step, role, st, inherit=None):
    """A refusal up front the documentation describes, for `role` synced
    with the step's document from state `st`: a member of the caller (above),
    or on 15 a NOINHERIT role (`inherit` False, or the role is NOINHERIT in
    `st`) given a privilege through an intermediate role."""
    doc = step["doc"]
    if refused_member_of_caller(error, doc, role, st):
        return True
    if inherit is None:
        inherit = st.roles[role].inherit if role in st.roles else True
    return error.pgcode == "22023" and expect.noinherit_refusal(
        error.diag.message_primary or "", doc, role, st, set(step.get("preserve", [])), inherit)


def run_sync(server, step, checks, stats=None, log=None):
    """Runs one sync; with `checks`, checks it against the model and
    returns the failures (without, returns [] whatever happens)."""
    role, doc = step["role"], step["doc"]
    bystanders = [r for r in TARGETS + BYSTANDERS if r != role]
    before = observe(server, [role] + bystanders, doc) if checks else None
    valid_until = None
    login = next((g for g in doc if g["type"] == "login"), None)
    with server.caller.cursor() as cur:
        if checks and login and login.get("valid_until") is not None:
            # The instant the caller's session means by the declared text.
            cur.execute("SELECT extract(epoch FROM %s::timestamptz)::float8", (login["valid_until"],))
            valid_until = cur.fetchone()[0]
        t0 = time.monotonic()
        try:
            rows = call_sync(cur, "sync", step)
            error = None
        except psycopg2.Error as e:
            rows, error = [], e
        if stats:
            stats.sync_seconds += time.monotonic() - t0
    if log:
        log(step, rows, error)
    known = server.passwords.get(role)
    if error is None and login is None:
        server.passwords.pop(role, None)      # NOLOGIN PASSWORD NULL (or NOLOGIN already)
    elif error is None and login.get("password") is not None:
        server.passwords[role] = login["password"]
    if not checks:
        return []
    on = [c for c in expect.CHECKS if c in checks]
    failures = []
    if stats and role in before.roles and not before.roles[role].inherit:
        stats.noinherit_syncs += 1
    if error is not None:
        if documented_refusal(error, step, role, before):
            if stats:
                stats.refused += 1
        elif "sync_ok" in checks:
            failures.append(Failure("sync_ok", f"{error.pgcode}: {expect.normalize(error.pgerror or str(error))}",
                                    (error.pgerror or str(error)).strip()))
        _count(stats, ["sync_ok"] if "sync_ok" in checks else [], failures)
        return failures

    after = observe(server, [role] + bystanders, doc)
    m = Model(role, Declared(doc, after), step.get("preserve", []), before, after)
    results = {}
    if "access" in on:
        results["access"] = expect.check_access(m)
    if "memberships" in on:
        results["memberships"] = expect.check_memberships(m)
    if "ownership" in on:
        results["ownership"] = expect.check_ownership(m)
    if "login" in on:
        results["login"] = expect.check_login(m, valid_until)
    plan_rows = []
    if "plan_empty" in on:
        with server.caller.cursor() as cur:
            plan_rows = call_sync(cur, "plan", step)
        results["plan_empty"] = expect.check_plan_empty(plan_rows, role, login.get("password") if login else None)
    if "bystanders" in on:
        results["bystanders"] = expect.check_bystanders(role, bystanders, before, after)
    if "caller_memberships" in on:
        b, a = before.roles[CALLER].member_of, after.roles[CALLER].member_of
        results["caller_memberships"] = [] if a == b else [
            ("caller's memberships changed", f"before {sorted(b.items())}, after {sorted(a.items())}")]
    if "recipient" in on:
        results["recipient"] = expect.check_recipient(role, before, after)
    if "fresh" in on and step.get("fresh"):
        results["fresh"] = fresh(server, step, after)
    if "password" in on:
        results["password"] = check_password(role, login, known, valid_until, rows + plan_rows,
                                             step.get("password_check"), stats)
    if "sync_ok" in on:
        results["sync_ok"] = []
    for check, found in results.items():
        for kind, detail in found[:6]:
            failures.append(Failure(check, kind, detail))
    _count(stats, list(results), failures)
    return failures


def _count(stats, ran, failures):
    if stats is None:
        return
    failed = {f.check for f in failures}
    stats.checks_failed += len(failed)
    stats.checks_passed += len([c for c in ran if c not in failed])
    if failed:
        stats.syncs_failed += 1
    else:
        stats.syncs_passed += 1


def fresh(server, step, after):
    """A new role synced with the same document, in a transaction rolled
    back: its access against the synced role's."""
    conn = server.caller
    conn.autocommit = False
    # A NOINHERIT role is made by hand (sync makes INHERIT roles): the fresh
    # role is made so too.
    inherit = after.roles[step["role"]].inherit
    try:
        with conn.cursor() as cur:
            if not inherit:
                cur.execute(f"CREATE ROLE {FRESH} NOINHERIT")
            try:
                call_sync(cur, "sync", step, role=FRESH)
            except psycopg2.Error as e:
                if documented_refusal(e, step, FRESH, after, inherit):
                    return []
                return [(f"fresh sync failed: {e.pgcode}: {expect.normalize(e.pgerror or str(e))}",
                         (e.pgerror or str(e)).strip())]
            f_state = read_state(cur, superuser=False)
            read_access(cur, f_state, [FRESH])
    finally:
        conn.rollback()
        conn.autocommit = True
    return expect.check_fresh(step["role"], set(step.get("preserve", [])), None, after, f_state, FRESH)


# Where roles log in with a password (scripts/cluster.sh: scram-sha-256 on
# 127.0.0.1, the port of the Unix socket).
TCP_HOST = os.environ.get("MODEL_TCP_HOST", "127.0.0.1")
REFUSED = ("password authentication failed for user", "is not permitted to log in")


def try_login(role, password):
    """A real login over TCP, to the maintenance database (PUBLIC may
    connect there): None if the role logs in as itself, else the error."""
    try:
        conn = psycopg2.connect(host=TCP_HOST, port=os.environ.get("PGPORT", "5432"), user=role,
                                password=password, dbname="postgres", connect_timeout=5,
                                application_name="pgsr-model-login")
    except psycopg2.OperationalError as e:
        return str(e).strip() or "connection failed"
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_user")
            who = cur.fetchone()[0]
        return None if who == role else f"logged in as {who}"
    finally:
        conn.close()


def check_password(role, login, known, valid_until, rows, log_in, stats=None):
    """No declared password in the results of sync and plan.  With `log_in`,
    real logins over TCP (scram-sha-256): with LOGIN declared (and VALID
    UNTIL not past), the role logs in with the declared password, or with
    null with the one it had (`known`); where another is declared, the one
    it had and the hand change's are refused; without login, the one it had
    is refused."""
    out = []
    password = login.get("password") if login else None
    if password is not None and any(password in str(r) for r in rows):
        out.append(("password in the result", f"sync's result shows the password of {role}"))
    if not log_in:
        return out

    def attempt(pw):
        if stats:
            stats.logins += 1
        return try_login(role, pw)
    if login is not None and (valid_until is None or valid_until > time.time()):
        works = password if password is not None else known
        if works is not None:
            error = attempt(works)
            if error is not None:
                which = "the declared" if password is not None else "its kept"
                out.append((f"cannot log in with {which} password",
                            f"{role} cannot log in with {which} password: {error}"))
    old = ({known, HAND_PASSWORD} - {None, password}) if login is not None and password is not None else \
        ({known} - {None} if login is None else set())
    for pw in sorted(old):
        error = attempt(pw)
        if error is None:
            out.append(("logs in with a replaced password" if login else "logs in without login",
                        f"{role} still logs in with a password it had"))
        elif not any(r in error for r in REFUSED):
            out.append(("login refused with an unexpected error", f"{role}: {error}"))
    return out


def run_steps(server, steps, checks, stats=None, log=None, stop_on_failure=True):
    """Runs steps; a sync is checked if `checks` and the step is marked
    "check" (or all_checked).  Returns (index, failures) of the first failing
    sync, or (None, [])."""
    for i, step in enumerate(steps):
        if step["op"] == "sync":
            failures = run_sync(server, step, checks if step.get("check", True) else set(), stats, log)
            if failures and stop_on_failure:
                return i, failures
        else:
            err = run_hand(server, step)
            if stats:
                stats.hand_steps += 1
                stats.hand_skipped += err is not None
            if log:
                log(step, None, err)
    return None, []
