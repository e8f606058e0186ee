"""A linearizability checker for recorded client histories (pure Python).

The algorithm is Wing & Gong's, as improved by Lowe and implemented by
Porcupine (github.com/anishathalye/porcupine): the history's call and return
events are kept in time order in a doubly linked list; the search repeatedly
linearizes a call that comes before the first pending return (if the model
accepts it), or backtracks when it reaches a return whose operation could not
be linearized. Configurations already explored, (set of linearized
operations as a bitset, model state), are cached so that no configuration is
explored twice.

- P-compositionality: a model may partition a history (by key, for a map of
  registers) and each part is checked on its own (Herlihy & Wing: a history is
  linearizable iff every object's sub-history is).
- Indeterminate operations ("maybe" ops: a write that timed out or failed with
  an error that does not say whether it took effect) have a return time of
  infinity, as in Knossos/Jepsen: they may be linearized at any point after
  their call, or never. A failed read carries no information and should simply
  be left out of the history.
- The search is bounded by a time limit and then answers "unknown" (ok=None)
  instead of hanging.
- When a history is not linearizable, the explanation gives the shortest
  failing prefix of the history (the first return that no ordering can
  explain), the longest linearization found for it and the operations left
  over: the minimal non-linearizable window.

Usage:

    from linearizability import Operation, RegisterModel, check
    ops = [Operation(client=0, input=("write", "a"), call=0.0, ret=1.0, key="k"),
           Operation(client=1, input=("read", None), output="a", call=2.0, ret=3.0, key="k")]
    result = check(RegisterModel(initial=None), ops, time_limit=5)
    assert result.ok is True, result.explain()

A saved history (see dump_history) can be checked again from the command line:

    python3 tests/cluster/linearizability.py history.json
"""

import json
import math
import sys
import time

INF = math.inf

CALL = 0
RETURN = 1


class Operation:
    """One client operation: input and output are the model's; call and ret
    are times (any monotonic clock, same for every client); ret=INF marks an
    indeterminate operation. key selects the partition (for models that
    partition by key); meta is free-form (node, attempts...) for reports."""

    __slots__ = ("id", "client", "input", "output", "call", "ret", "key", "meta")

    def __init__(self, client, input, call, ret, output=None, key=None, meta=None, id=None):
        if ret < call:
            raise ValueError("operation returns (%r) before its call (%r)" % (ret, call))
        self.id = id
        self.client = client
        self.input = input
        self.output = output
        self.call = call
        self.ret = ret
        self.key = key
        self.meta = meta or {}

    @property
    def indeterminate(self):
        return self.ret == INF

    def replace(self, **changes):
        fields = {s: getattr(self, s) for s in self.__slots__}
        fields.update(changes)
        return Operation(**fields)

    def to_json(self):
        return {"id": self.id, "client": self.client, "key": self.key, "input": list(self.input)
                if isinstance(self.input, tuple) else self.input, "output": self.output, "call": self.call,
                "ret": None if self.ret == INF else self.ret, "meta": self.meta}

    @staticmethod
    def from_json(d):
        inp = d["input"]
        return Operation(client=d.get("client"), input=tuple(inp) if isinstance(inp, list) else inp,
                         output=d.get("output"), call=d["call"], ret=INF if d.get("ret") is None else d["ret"],
                         key=d.get("key"), meta=d.get("meta"), id=d.get("id"))

    def __repr__(self):
        return "Operation(id=%r, client=%r, key=%r, input=%r, output=%r, call=%r, ret=%r)" % (
            self.id, self.client, self.key, self.input, self.output, self.call, self.ret)


# ---- models ------------------------------------------------------------------


class Model:
    """A sequential specification. States must be hashable (they are cached)."""

    def partition(self, ops):
        """[(key, ops)]: independent sub-histories (P-compositionality)."""
        return [(None, list(ops))]

    def init(self, key=None):
        raise NotImplementedError

    def step(self, state, input, output):
        """-> (ok, new_state): whether the operation, applied to state,
        may answer output, and the state after it."""
        raise NotImplementedError

    def prepare(self, ops):
        """An equivalent sub-history that is cheaper to check (optional)."""
        return ops

    def describe_op(self, op):
        return "%r -> %r" % (op.input, op.output)

    def describe_state(self, state):
        return repr(state)

    def hint(self, ops, op, t0):
        """Lines that say why op (that could not be linearized) is odd."""
        return []


class RegisterModel(Model):
    """A map of registers, one per key: input ("write", v) or ("read", None);
    a read's output is the value it saw. initial: the value of every register
    before the history, or a dict {key: value}."""

    def __init__(self, initial=None, simplify=True):
        self.initial = initial
        self.simplify = simplify

    def partition(self, ops):
        parts = {}
        for op in ops:
            parts.setdefault(op.key, []).append(op)
        return sorted(parts.items(), key=lambda kv: str(kv[0]))

    def init(self, key=None):
        if isinstance(self.initial, dict):
            return self.initial.get(key)
        return self.initial

    def step(self, state, input, output):
        f = input[0]
        if f == "write":
            return True, input[1]
        if f == "read":
            return output == state, state
        raise ValueError("unknown register operation %r" % (f,))

    def prepare(self, ops):
        """When every write writes a distinct value (and none writes the
        initial value), two rewrites keep linearizability unchanged and make
        the search much cheaper:
        - an indeterminate write whose value no read saw can be left out (it
          may never have happened, and no read depends on it);
        - an indeterminate write whose value a completed read saw must take
          effect before that read returns: its return time becomes the
          earliest such return."""
        if not self.simplify:
            return ops
        writes = [op for op in ops if op.input[0] == "write"]
        values = [op.input[1] for op in writes]
        initials = {self.init(op.key) for op in ops}
        if len(set(values)) != len(values) or initials & set(values):
            return ops
        first_seen = {}
        for op in ops:
            if op.input[0] == "read":
                first_seen[op.output] = min(first_seen.get(op.output, INF), op.ret)
        out = []
        for op in ops:
            if op.input[0] == "write" and op.indeterminate:
                seen = first_seen.get(op.input[1])
                if seen is None:
                    continue  # never observed: may as well never have happened
                if seen != INF:
                    op = op.replace(ret=max(seen, op.call), meta=dict(op.meta, ret_bounded_by_read=True))
            out.append(op)
        return out

    def describe_op(self, op):
        if op.input[0] == "write":
            return "write %r" % (op.input[1],)
        return "read -> %r" % (op.output,)

    def hint(self, ops, op, t0):
        if op.input[0] != "read":
            return []
        sources = [w for w in ops if w.input[0] == "write" and w.input[1] == op.output]
        if not sources:
            if op.output == self.init(op.key):
                later = [w for w in ops if w.input[0] == "write" and w.ret < op.call]
                if later:
                    return ["the read saw the initial value, yet %s returned before the read was called"
                            % describe(self, later[0], t0)]
            return [] if op.output == self.init(op.key) else ["no operation wrote %r" % (op.output,)]
        lines = []
        for src in sources:
            if src.call > op.ret:
                lines.append("%r was written only later, by %s" % (op.output, describe(self, src, t0)))
                continue
            lines.append("%r was written by %s" % (op.output, describe(self, src, t0)))
            over = [w for w in ops if w.input[0] == "write" and w is not src and w.call > src.ret and w.ret < op.call]
            if over:
                lines.append("and overwritten by %s, which returned before the read was called"
                             % describe(self, max(over, key=lambda w: w.ret), t0))
        return lines


class SetModel(Model):
    """A grow-only set: ("add", x) and ("read", None) whose output is the
    collection of elements seen (any iterable). One set per key."""

    def partition(self, ops):
        return RegisterModel.partition(self, ops)

    def init(self, key=None):
        return frozenset()

    def step(self, state, input, output):
        if input[0] == "add":
            return True, state | {input[1]}
        if input[0] == "read":
            return frozenset(output) == state, state
        raise ValueError("unknown set operation %r" % (input[0],))

    def describe_op(self, op):
        if op.input[0] == "add":
            return "add %r" % (op.input[1],)
        return "read -> %r" % (sorted(op.output),)

    def describe_state(self, state):
        return repr(sorted(state))


# ---- the search ----------------------------------------------------------------


class _Entry:
    __slots__ = ("kind", "op", "index", "time", "match", "prev", "next")

    def __init__(self, kind, op, index, time_):
        self.kind = kind
        self.op = op
        self.index = index
        self.time = time_
        self.match = None
        self.prev = None
        self.next = None


def _lift(e):
    e.prev.next = e.next
    if e.next is not None:
        e.next.prev = e.prev
    m = e.match
    m.prev.next = m.next
    if m.next is not None:
        m.next.prev = m.prev


def _unlift(e):
    m = e.match
    m.prev.next = m
    if m.next is not None:
        m.next.prev = m
    e.prev.next = e
    if e.next is not None:
        e.next.prev = e


class _Outcome:
    def __init__(self, ok, linearization=None, best=None, steps=0):
        self.ok = ok                      # True, False, or None (time limit)
        self.linearization = linearization  # [op] when ok
        self.best = best                  # (linearized [op], state, blocking op) when not ok
        self.steps = steps


def _search(model, ops, init_state, deadline):
    """Porcupine's checkSingle, with indeterminate ops that may be left out."""
    entries = []
    for i, op in enumerate(ops):
        c = _Entry(CALL, op, i, op.call)
        r = _Entry(RETURN, op, i, op.ret)
        c.match = r
        r.match = c
        entries += (c, r)
    # At equal times calls come first: the two ops are then concurrent, the
    # permissive reading of an ambiguous order.
    entries.sort(key=lambda e: (e.time, e.kind, e.index))
    head = _Entry(CALL, None, -1, -INF)
    prev = head
    for e in entries:
        prev.next = e
        e.prev = prev
        prev = e

    definite_left = sum(1 for op in ops if op.ret != INF)
    state = init_state
    linearized = 0
    cache = set()
    stack = []  # (call entry, state before it)
    best_depth = -1
    best = None
    steps = 0
    entry = head.next
    while definite_left > 0:
        steps += 1
        if (steps & 0x3FF) == 0 and time.monotonic() > deadline:
            return _Outcome(None, best=best, steps=steps)
        if entry.kind == CALL:
            ok, new_state = model.step(state, entry.op.input, entry.op.output)
            if ok:
                bits = linearized | (1 << entry.index)
                if (bits, new_state) not in cache:
                    cache.add((bits, new_state))
                    stack.append((entry, state))
                    state = new_state
                    linearized = bits
                    _lift(entry)
                    if entry.op.ret != INF:
                        definite_left -= 1
                    entry = head.next
                    continue
            entry = entry.next
        else:
            # A return whose operation could not be linearized before it.
            if len(stack) > best_depth:
                best_depth = len(stack)
                best = ([e.op for e, _ in stack], state, entry.op)
            if not stack:
                return _Outcome(False, best=best, steps=steps)
            e, state = stack.pop()
            linearized &= ~(1 << e.index)
            _unlift(e)
            if e.op.ret != INF:
                definite_left += 1
            entry = e.next
    return _Outcome(True, linearization=[e.op for e, _ in stack], steps=steps)


# ---- results -------------------------------------------------------------------


class PartitionResult:
    def __init__(self, key, ok, ops, elapsed, explanation=""):
        self.key = key
        self.ok = ok
        self.ops = ops
        self.elapsed = elapsed
        self.explanation = explanation

    def __repr__(self):
        return "PartitionResult(key=%r, ok=%r, ops=%d, %.3fs)" % (self.key, self.ok, len(self.ops), self.elapsed)


class CheckResult:
    def __init__(self, partitions):
        self.partitions = partitions
        if any(p.ok is False for p in partitions):
            self.ok = False
        elif any(p.ok is None for p in partitions):
            self.ok = None
        else:
            self.ok = True

    @property
    def verdict(self):
        return {True: "linearizable", False: "NOT linearizable", None: "unknown (time limit)"}[self.ok]

    def failures(self):
        return [p for p in self.partitions if p.ok is False]

    def explain(self):
        lines = ["%s (%d partitions, %d operations)" % (self.verdict, len(self.partitions),
                                                          sum(len(p.ops) for p in self.partitions))]
        for p in self.partitions:
            if p.ok is not True:
                lines.append("key %r: %s" % (p.key, {False: "NOT linearizable", None: "unknown"}[p.ok]))
                if p.explanation:
                    lines += ["  " + line for line in p.explanation.splitlines()]
        return "\n".join(lines)


def _fmt_time(t, t0):
    return "inf" if t == INF else "%.4f" % (t - t0)


def describe(model, op, t0):
    meta = " ".join("%s=%s" % kv for kv in sorted(op.meta.items()) if kv[0] != "ret_bounded_by_read")
    tag = "indeterminate " if op.ret == INF else ""
    bounded = " (ret bounded by a read of its value)" if op.meta.get("ret_bounded_by_read") else ""
    return "#%s client %s %s%s [%s, %s]%s%s" % (op.id, op.client, tag, model.describe_op(op), _fmt_time(op.call, t0),
                                               _fmt_time(op.ret, t0), bounded, ("  " + meta) if meta else "")


def cut(ops, t):
    """The history as seen at time t: operations called after t are left
    out, and those still running at t become indeterminate."""
    out = []
    for op in ops:
        if op.call > t:
            continue
        out.append(op if op.ret <= t else op.replace(ret=INF))
    return out


def _check_partition(model, key, ops, deadline, explain, t0):
    started = time.monotonic()
    init_state = model.init(key)
    outcome = _search(model, model.prepare(ops), init_state, deadline)
    result = PartitionResult(key, outcome.ok, ops, 0.0)
    if outcome.ok is False and explain:
        result.explanation = _explain(model, key, ops, init_state, outcome, deadline, t0)
    elif outcome.ok is None:
        result.explanation = "the search ran out of time after %d steps" % outcome.steps
    result.elapsed = time.monotonic() - started
    return result


def _explain(model, key, ops, init_state, full_outcome, deadline, t0):
    """The shortest failing prefix: binary search on the returns (a history
    cut at t is linearizable when the whole history is, so failing is
    monotone in t), then its longest linearization and the leftovers."""
    times = sorted({op.ret for op in ops if op.ret != INF})
    if not times:
        return "no operation completed"

    def run(i):
        window = model.prepare(cut(ops, times[i]))
        return _search(model, window, init_state, deadline), window

    lo, hi = 0, len(times) - 1  # cut(times[hi]) fails: it is the whole history
    failing = (full_outcome, model.prepare(ops))
    failing_at = None
    while lo < hi and time.monotonic() < deadline:
        mid = (lo + hi) // 2
        o, window = run(mid)
        if o.ok is False:
            hi, failing, failing_at = mid, (o, window), mid
        elif o.ok is True:
            lo = mid + 1
        else:
            break
    if failing_at != hi:
        o, window = run(hi)
        if o.ok is False:
            failing, failing_at = (o, window), hi
    outcome, window = failing
    lines = []
    if failing_at is not None:
        lines.append("the history stops being linearizable at t=%s (the first return no ordering explains)"
                     % _fmt_time(times[failing_at], t0))
    if outcome.best is None:
        lines.append("no operation can be linearized at all from the initial state %s"
                     % model.describe_state(init_state))
        return "\n".join(lines)
    done, state, blocking = outcome.best
    done_ids = {op.id for op in done}
    lines.append("longest linearization of that prefix: %d of %d operations, ending in state %s; the last ones:"
                 % (len(done), len(window), model.describe_state(state)))
    lines += ["    " + describe(model, op, t0) for op in done[-5:]]
    lines.append("it cannot be extended past the return of: " + describe(model, blocking, t0))
    lines += ["  " + line for line in model.hint(window, blocking, t0)]
    left = sorted((op for op in window if op.id not in done_ids), key=lambda op: op.call)
    lines.append("operations left over in the window (by call time):")
    lines += ["    " + describe(model, op, t0) for op in left[:40]]
    if len(left) > 40:
        lines.append("    ... and %d more" % (len(left) - 40))
    return "\n".join(lines)


def check(model, ops, time_limit=10.0, explain=True, t0=None):
    """Checks a history (iterable of Operation) against model.
    -> CheckResult with ok True / False / None (time limit reached).
    Explanations give times relative to t0 (default: the first call)."""
    ops = list(ops)
    if t0 is None:
        t0 = min((op.call for op in ops), default=0.0)
    for i, op in enumerate(ops):
        if op.id is None:
            op.id = i
    deadline = time.monotonic() + time_limit
    parts = []
    for key, part in model.partition(ops):
        parts.append(_check_partition(model, key, part, deadline, explain, t0))
    return CheckResult(parts)


# ---- files ------------------------------------------------------------------------


def dump_history(path, ops, **extra):
    doc = dict(extra)
    doc["operations"] = [op.to_json() for op in ops]
    with open(path, "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"))
        f.write("\n")


def load_history(path):
    with open(path) as f:
        doc = json.load(f)
    return [Operation.from_json(d) for d in doc["operations"]], doc


def main(argv):
    if len(argv) != 2:
        print("usage: linearizability.py HISTORY.json (a register history from dump_history)", file=sys.stderr)
        return 2
    ops, doc = load_history(argv[1])
    result = check(RegisterModel(initial=doc.get("initial")), ops, time_limit=60, t0=doc.get("t0"))
    print(result.explain())
    return {True: 0, False: 1, None: 3}[result.ok]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
