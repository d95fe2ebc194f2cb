"""Shrinking a failing step list: delta debugging (ddmin) over the steps
before the failing sync, each candidate replayed from a fresh universe, then
the documents' elements and the hand changes' statements one at a time.  A
candidate "still fails" if the last sync fails with the same signature."""

import copy
import time

from runner import run_steps


class Shrinker:
    def __init__(self, server, checks, signature, deadline):
        self.server, self.checks, self.signature, self.deadline = server, checks, signature, deadline
        self.replays = 0

    def out_of_time(self):
        return time.monotonic() > self.deadline

    def fails(self, steps):
        """Replays `steps` (the last one a sync, the only one checked)."""
        self.replays += 1
        self.server.reset()
        steps = [dict(s, check=False) for s in steps[:-1]] + [dict(steps[-1], check=True)]
        _, failures = run_steps(self.server, steps, self.checks)
        return any(f.signature == self.signature for f in failures)

    def ddmin(self, prefix, last):
        """The smallest sub-list of `prefix` (found by ddmin) with which
        prefix + [last] still fails."""
        if self.fails([last]):
            return []
        n = 2
        while len(prefix) >= 2 and not self.out_of_time():
            size = -(-len(prefix) // n)
            chunks = [prefix[i:i + size] for i in range(0, len(prefix), size)]
            reduced = False
            for i in range(len(chunks)):
                if self.out_of_time():
                    break
                complement = [s for j, c in enumerate(chunks) if j != i for s in c]
                if self.fails(complement + [last]):
                    prefix, n, reduced = complement, max(n - 1, 2), True
                    break
            if not reduced:
                if n >= len(prefix):
                    break
                n = min(len(prefix), 2 * n)
        if len(prefix) == 1 and not self.out_of_time() and self.fails([last]):
            return []
        return prefix

    def simplify(self, steps):
        """Drops document elements, preserved schemas and statements of hand
        changes one at a time while the failure stays."""
        steps = copy.deepcopy(steps)
        for i in range(len(steps) - 1):
            if steps[i]["op"] == "sync":
                steps[i]["fresh"] = False
        changed = True
        while changed and not self.out_of_time():
            changed = False
            for i in range(len(steps)):
                for field in ("doc", "preserve", "sql"):
                    j = 0
                    while j < len(steps[i].get(field) or []) and not self.out_of_time():
                        if field == "sql" and len(steps[i][field]) == 1:
                            break
                        trial = copy.deepcopy(steps)
                        del trial[i][field][j]
                        if self.fails(trial):
                            steps, changed = trial, True
                        else:
                            j += 1
        return steps


def shrink(server, checks, steps, signature, seconds):
    """Returns (shrunk steps, replays, whether it reproduced at all)."""
    s = Shrinker(server, checks, signature, time.monotonic() + seconds)
    if not s.fails(steps):
        return steps, s.replays, False
    prefix = s.ddmin(steps[:-1], steps[-1])
    out = s.simplify(prefix + [steps[-1]])
    return out, s.replays, True
