#!/usr/bin/env python3
"""Model-based random test of pg_sync_roles (issue 10).

  model.py run [--seconds N] [--seed S] [--skip NAMES] ...   random syncs and hand changes, checked
  model.py replay FILE [--sql] [--all-checks] [--skip NAMES]  replays a step file (as printed by run)
  model.py switches                                           lists the switches

Connects as the superuser given by the usual PG* variables (PGHOST, PGPORT,
PGUSER); the caller is a non-superuser CREATEROLE role it makes.  See
README.md next to this file.
"""

import argparse
import json
import os
import random
import re
import sys
import time

import changes
import expect
from docs import gen_document, gen_preserve, direct_only
from observe import read_state
from runner import Server, Stats, run_hand, run_sync
from shrink import shrink
from universe import TARGETS, DB, CALLER, SETUP_CLUSTER, SETUP_DB, SETUP_EXTENSION

HERE = os.path.dirname(os.path.abspath(__file__))

# doc:member_of_caller  documents may declare the caller as a role_membership
# doc:password  documents may declare a plaintext password in login
# state:owner_without_usage  states may arise where the role a statement
#     must act as (the caller, or an owner whose rights it borrows) has no
#     USAGE on the object's schema (issue 10, fault 1).  When off, the caller
#     is granted USAGE on every schema before each sync, and documents do not
#     give away a schema holding objects the caller owns.
# state:grantor_without_usage  states may arise where a role that granted a
#     privilege on a relation (not its owner) has no USAGE on its schema
#     (issue 10, fault 2).  When off, such grantors are granted USAGE before
#     each sync.
# state:grant_options  hand changes may give grant options to roles (WITH
#     GRANT OPTION, and passed_on); off, they never do (other_grantor's
#     grantor still holds one: it needs it to grant).
SWITCHES = ([f"check:{c}" for c in expect.CHECKS] + [f"change:{c}" for c in changes.KINDS]
            + ["doc:member_of_caller", "doc:password", "state:owner_without_usage", "state:grantor_without_usage",
               "state:grant_options"])


def parse_names(text):
    """Switch names from a string or a file's text: separated by commas or
    white space; '#' starts a comment."""
    names = []
    for line in (text or "").splitlines():
        names += [n for n in re.split(r"[\s,]+", line.split("#")[0]) if n]
    unknown = [n for n in names if n not in SWITCHES]
    if unknown:
        sys.exit(f"unknown switch(es): {', '.join(unknown)} (see: model.py switches)")
    return set(names)


class Options:
    def __init__(self, skip):
        on = [s for s in SWITCHES if s not in skip]
        self.checks = {s[6:] for s in on if s.startswith("check:")}
        self.changes = {s[7:] for s in on if s.startswith("change:")}
        self.gen = {s.split(":", 1)[1] for s in on if s.startswith(("doc:", "state:"))}


def gen_steps(rng, st, opts, memory, fresh_rate, password_rate):
    """The next steps: a hand change (about half the time) or a sync of a
    random role, with a new document or a change of its last one (for a
    NOINHERIT role on 15, mostly one it accepts)."""
    if opts.changes and rng.random() >= 0.45:
        step = changes.gen_change(rng, st, opts.changes, "grant_options" in opts.gen)
        if step:
            return [step]
    role = rng.choice(TARGETS)
    prev = memory.get(role)
    doc = gen_document(rng, st, opts, prev[0] if prev else None)
    if role in st.roles and not st.roles[role].inherit and not st.role_options and rng.random() < 0.7:
        doc = direct_only(doc)
    preserve = prev[1] if prev and rng.random() < 0.7 else gen_preserve(rng, st)
    memory[role] = (doc, preserve)
    sync = {"op": "sync", "role": role, "doc": doc, "preserve": preserve, "fresh": rng.random() < fresh_rate}
    if "password" in opts.checks:
        sync["password_check"] = rng.random() < password_rate
    before = []
    if "owner_without_usage" not in opts.gen:
        before.append(changes.caller_usage_workaround())
    if "grantor_without_usage" not in opts.gen:
        before.append(changes.grantor_usage_workaround())
    return before + [sync]


def describe(step):
    if step["op"] == "sync":
        extra = f", preserve {step['preserve']}" if step.get("preserve") else ""
        return f"sync {step['role']} {json.dumps(step['doc'])}{extra}"
    return f"{step['kind']}: " + "; ".join(" ".join(s.split()) for s in step["sql"])


def write_steps(path, steps):
    with open(path, "w") as f:
        for s in steps:
            f.write(json.dumps(s) + "\n")


def read_steps(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def to_psql(steps):
    """The steps as a psql script, from a fresh universe (run as the superuser)."""
    out = ["-- pg_sync_roles model test replay: psql -X -v ON_ERROR_STOP=0 -f THIS_FILE (as a superuser)",
           r"\set su :USER", r"\c postgres :su", "SET client_min_messages = warning;"]
    from universe import reset_sql_cluster
    out += [s + ";" for s in reset_sql_cluster() + SETUP_CLUSTER]
    out += [rf"\c {DB} :su"] + [s + ";" for s in SETUP_EXTENSION + SETUP_DB]
    session = []
    for i, st in enumerate(steps, 1):
        out.append(f"\n-- step {i}: {st['op']} {st.get('kind', '')}".rstrip())
        if st["op"] == "session":
            session += st["sql"]
            continue
        if st["op"] == "hand":
            out.append(rf"\c {'pgsr_model_other' if st.get('db') == 'other' else DB} :su")
            out += ["BEGIN;"] + [s + ";" for s in st["sql"]] + ["COMMIT;"]
            continue
        out.append(rf"\c {DB} {CALLER}")
        out += [s + ";" for s in session]
        doc = json.dumps(st["doc"]).replace("'", "''")
        pres = "{" + ",".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"'
                              for p in st.get("preserve", [])) + "}"
        pres = pres.replace("'", "''")
        out.append(f"SELECT * FROM pg_sync_roles.sync({changes.ql(st['role'])}, '{doc}', '{pres}');")
        if st.get("check", True):
            out.append(f"SELECT * FROM pg_sync_roles.plan({changes.ql(st['role'])}, '{doc}', '{pres}');")
    return "\n".join(out) + "\n"


def printer(verbose):
    def log(step, rows, error):
        if not verbose:
            return
        print("  " + describe(step)[:2000])
        if step["op"] == "sync":
            for _, action, statement in rows or []:
                print(f"      {action}: {statement}")
            if error is not None:
                print(f"      ERROR {getattr(error, 'pgcode', '')}: {str(error).strip()}")
        elif error:
            print(f"      (skipped: {error})")
    return log


def cmd_run(args):
    skip = parse_names(args.skip)
    opts = Options(skip)
    seed = args.seed if args.seed not in (None, "") else str(random.randrange(10 ** 9))
    out_dir = args.out or os.path.join(os.environ.get("TMPDIR", "/tmp"), f"pgsr-model-{seed}")
    os.makedirs(out_dir, exist_ok=True)
    print(f"model: seed {seed}; {args.seconds}s; {args.steps} steps per episode; out {out_dir}")
    print(f"model: switched off: {', '.join(sorted(skip)) or '(none)'}; sequences: {args.sequences}")
    server = Server()
    stats = Stats()
    seen = {}             # signature -> [count, replay file or None]
    shrink_left = args.shrink_total
    start = time.monotonic()
    deadline = start + args.seconds
    episode = args.episode
    log = printer(args.verbose)
    try:
        while time.monotonic() < deadline and (not args.episodes or episode < args.episode + args.episodes):
            rng = random.Random(f"{seed}/{episode}")
            server.reset()
            steps, memory = [], {}
            for _ in range(args.steps):
                if time.monotonic() >= deadline:
                    break
                with server.su.cursor() as cur:
                    st = read_state(cur)
                new_steps = gen_steps(rng, st, opts, memory, args.fresh_rate, args.password_rate)
                steps += new_steps
                for step in new_steps[:-1]:
                    log(step, None, run_hand(server, step))
                step = new_steps[-1]
                if step["op"] != "sync":
                    err = run_hand(server, step)
                    stats.hand_steps += 1
                    stats.hand_skipped += err is not None
                    log(step, None, err)
                    continue
                failures = run_sync(server, step, opts.checks, stats, log)
                if not failures:
                    continue
                print(f"\nFAILED: seed {seed}, episode {episode}, step {len(steps)}: {describe(step)[:600]}")
                for f in failures:
                    print(f"  {f}")
                for sig in dict.fromkeys(f.signature for f in failures):
                    seen.setdefault(sig, [0, None])[0] += 1
                new = [s for s in dict.fromkeys(f.signature for f in failures) if seen[s][1] is None]
                for sig in new[:1]:
                    also = [s for s in new if s != sig]
                    if shrink_left <= 0:
                        print(f"  (not shrunk: shrinking budget spent; replay the whole episode with "
                              f"MODEL_SEED={seed})")
                        seen[sig][1] = "-"
                        continue
                    t0 = time.monotonic()
                    shrunk, replays, reproduced = shrink(server, opts.checks, steps, sig,
                                                         min(args.shrink_seconds, shrink_left))
                    shrink_left -= time.monotonic() - t0
                    deadline += time.monotonic() - t0     # shrinking does not eat the random run's time
                    slug = re.sub(r"[^a-z0-9]+", "-", sig.lower()).strip("-")[:60]
                    path = os.path.join(out_dir, f"replay-{slug}.jsonl")
                    write_steps(path, shrunk)
                    with open(path[:-6] + ".sql", "w") as f:
                        f.write(to_psql(shrunk))
                    seen[sig][1] = path
                    for s in also:          # the same sync's other kinds: probably the same fault
                        seen[s][1] = f"(with {os.path.basename(path)})"
                    print(f"  shrunk '{sig}' from {len(steps)} to {len(shrunk)} steps in {replays} replays"
                          + ("" if reproduced else " (DID NOT REPRODUCE: flaky?)"))
                    for s in shrunk:
                        print(f"    {describe(s)[:1500]}")
                    print(f"  replay: test/model/run.sh --replay {path}   (psql script: {path[:-6]}.sql)")
                    print(f"  steps file:\n" + "".join(f"    {json.dumps(s)}\n" for s in shrunk))
                break     # the state is suspect now: start a new episode
            episode += 1
    finally:
        server.teardown()
    elapsed = time.monotonic() - start
    syncs = stats.syncs_passed + stats.syncs_failed
    print(f"\nmodel: {episode} episodes, {syncs} syncs ({syncs * 60 / max(elapsed, 1):.0f}/min), "
          f"{stats.checks_passed + stats.checks_failed} checks, {stats.hand_steps} hand changes "
          f"({stats.hand_skipped} did not apply), {stats.sync_seconds:.1f}s in sync calls, {elapsed:.0f}s")
    print(f"model: {stats.noinherit_syncs} checked syncs of a NOINHERIT role, {stats.refused} documented "
          f"refusals, {stats.logins} password logins tried")
    if seen:
        print("model: failure kinds (signature: syncs failing it, replay):")
        for sig, (n, path) in sorted(seen.items()):
            print(f"  {n:5d}  {sig}  {path or ''}")
    print(f"model: seed {seed}; checks: {stats.checks_passed} passed, {stats.checks_failed} failed; "
          f"counted below in syncs (a sync passes when all its checks pass)")
    print(f"{stats.syncs_passed} passed, {stats.syncs_failed} failed")
    return 1 if stats.syncs_failed else 0


def cmd_replay(args):
    steps = read_steps(args.file)
    if args.sql:
        sys.stdout.write(to_psql(steps))
        return 0
    opts = Options(parse_names(args.skip))
    if args.all_checks:
        steps = [dict(s, check=True) for s in steps]
    elif not any("check" in s for s in steps):
        # As it was shrunk: only the last sync is checked.
        last = max(i for i, s in enumerate(steps) if s["op"] == "sync")
        steps = [dict(s, check=(i == last)) for i, s in enumerate(steps)]
    server = Server()
    stats = Stats()
    failed = False
    try:
        server.reset()
        for n, step in enumerate(steps, 1):
            print(f"step {n}:")
            if step["op"] == "sync":
                fs = run_sync(server, step, opts.checks if step.get("check", True) else set(), stats, printer(True))
                for f in fs:
                    print(f"  FAILED {f}")
                failed |= bool(fs)
            else:
                err = run_hand(server, step)
                printer(True)(step, None, err)
    finally:
        if not args.keep:
            server.teardown()
        else:
            server.close_db_connections()
            print(f"(kept database {DB} as it is)")
    print(f"{stats.syncs_passed} passed, {stats.syncs_failed} failed")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    env = os.environ.get
    r = sub.add_parser("run")
    r.add_argument("--seconds", type=float, default=float(env("MODEL_SECONDS", 60)))
    r.add_argument("--seed", default=env("MODEL_SEED"))
    r.add_argument("--steps", type=int, default=int(env("MODEL_STEPS", 80)), help="steps per episode")
    r.add_argument("--skip", default=env("MODEL_SKIP", ""), help="switches off (names, or @FILE)")
    r.add_argument("--out", default=env("MODEL_OUT"))
    r.add_argument("--shrink-seconds", type=float, default=float(env("MODEL_SHRINK_SECONDS", 90)))
    r.add_argument("--shrink-total", type=float, default=float(env("MODEL_SHRINK_TOTAL", 300)))
    r.add_argument("--fresh-rate", type=float, default=float(env("MODEL_FRESH_RATE", 0.15)))
    r.add_argument("--password-rate", type=float, default=float(env("MODEL_PASSWORD_RATE", 0.3)),
                   help="share of the syncs after which the password check logs in")
    r.add_argument("--episode", type=int, default=int(env("MODEL_EPISODE", 0)), help="first episode")
    r.add_argument("--episodes", type=int, default=0, help="stop after this many episodes")
    r.add_argument("--sequences", choices=["given-back", "kept"], default=env("MODEL_SEQUENCES", "kept"),
                   help="what becomes of an undeclared stand-alone sequence the role owns (see README)")
    r.add_argument("--verbose", "-v", action="store_true")
    p = sub.add_parser("replay")
    p.add_argument("file")
    p.add_argument("--skip", default=env("MODEL_SKIP", ""))
    p.add_argument("--all-checks", action="store_true", help="check every sync, not only the last one")
    p.add_argument("--sql", action="store_true", help="print the replay as a psql script instead")
    p.add_argument("--keep", action="store_true", help="leave the database as the replay left it")
    p.add_argument("--sequences", choices=["given-back", "kept"], default=env("MODEL_SEQUENCES", "kept"))
    sub.add_parser("switches")
    args = ap.parse_args()
    if getattr(args, "skip", "").startswith("@"):
        with open(args.skip[1:]) as f:
            args.skip = f.read()
    expect.SEQUENCES_KEPT = getattr(args, "sequences", "kept") == "kept"
    if args.cmd == "switches":
        print("\n".join(SWITCHES))
        return 0
    return cmd_run(args) if args.cmd == "run" else cmd_replay(args)


if __name__ == "__main__":
    sys.exit(main())
