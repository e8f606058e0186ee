"""Unit tests of the linearizability checker (linearizability.py) on
hand-written histories, so that the checker itself can fail: linearizable
and non-linearizable histories, indeterminate writes, partitions, the time
limit, and a cross-check against brute force on random small histories.

No server is started: this file runs in well under a second.
"""

import itertools
import json
import random

from linearizability import (INF, Operation, RegisterModel, SetModel, check, cut, dump_history, load_history)


def w(client, value, call, ret, key="k"):
    return Operation(client=client, input=("write", value), call=call, ret=ret, key=key)


def r(client, value, call, ret, key="k"):
    return Operation(client=client, input=("read", None), output=value, call=call, ret=ret, key=key)


def verdict(ops, initial="init", **kw):
    return check(RegisterModel(initial=initial, **kw), ops, time_limit=5).ok


# ---- plain registers -----------------------------------------------------------


def test_empty_and_sequential_histories_are_linearizable():
    assert verdict([]) is True
    assert verdict([r(0, "init", 0, 1)]) is True
    assert verdict([w(0, "a", 0, 1), r(1, "a", 2, 3), w(0, "b", 4, 5), r(1, "b", 6, 7)]) is True


def test_a_read_of_a_value_never_written_is_rejected():
    assert verdict([w(0, "a", 0, 1), r(1, "zzz", 2, 3)]) is False
    assert verdict([r(1, "a", 0, 1)]) is False


def test_the_classic_stale_read_is_rejected():
    # a, then b acknowledged, then a read (on another node) still sees a.
    ops = [w(0, "a", 0, 1), w(0, "b", 2, 3), r(1, "a", 4, 5)]
    assert verdict(ops) is False
    # The same read overlapping the second write may see either value.
    assert verdict([w(0, "a", 0, 1), w(0, "b", 2, 5), r(1, "a", 4, 6)]) is True
    assert verdict([w(0, "a", 0, 1), w(0, "b", 2, 5), r(1, "b", 4, 6)]) is True


def test_a_read_that_went_back_in_time_after_another_read_saw_the_new_value():
    # Both reads overlap the write, but once r1 saw b (and returned), r2
    # starting later cannot see a again.
    ops = [w(0, "a", 0, 1), w(0, "b", 2, 10), r(1, "b", 3, 4), r(2, "a", 5, 6)]
    assert verdict(ops) is False
    ops = [w(0, "a", 0, 1), w(0, "b", 2, 10), r(1, "a", 3, 4), r(2, "b", 5, 6)]
    assert verdict(ops) is True


def test_concurrent_writes_may_take_effect_in_either_order_but_only_one():
    both = [w(0, "a", 0, 10), w(1, "b", 0, 10)]
    assert verdict(both + [r(2, "a", 11, 12)]) is True
    assert verdict(both + [r(2, "b", 11, 12)]) is True
    # During the writes: a then b, or b then a.
    assert verdict(both + [r(2, "a", 1, 2), r(2, "b", 3, 4)]) is True
    assert verdict(both + [r(2, "b", 1, 2), r(2, "a", 3, 4)]) is True
    # But not a, b, a again: each write happens once.
    assert verdict(both + [r(2, "a", 1, 2), r(2, "b", 3, 4), r(2, "a", 5, 6)]) is False
    # After both returned, every read agrees on one final value.
    assert verdict(both + [r(2, "b", 11, 12), r(3, "a", 13, 14)]) is False
    assert verdict(both + [r(2, "a", 11, 12), r(3, "a", 11.5, 14), r(4, "a", 20, 21)]) is True


def test_an_indeterminate_write_may_never_appear():
    ops = [w(0, "a", 0, 1), w(1, "b", 2, INF), r(2, "a", 3, 4), r(2, "a", 100, 101)]
    assert verdict(ops) is True
    assert verdict(ops, simplify=False) is True


def test_an_indeterminate_write_may_appear_later_even_long_after_its_call():
    ops = [w(0, "a", 0, 1), w(1, "b", 2, INF), r(2, "a", 3, 4), r(2, "b", 100, 101)]
    assert verdict(ops) is True
    assert verdict(ops, simplify=False) is True


def test_an_indeterminate_write_once_seen_stays_unless_overwritten():
    ops = [w(0, "a", 0, 1), w(1, "b", 2, INF), r(2, "b", 3, 4), r(2, "a", 5, 6)]
    assert verdict(ops) is False
    assert verdict(ops, simplify=False) is False
    # Overwritten by a later definite write: fine.
    ops = [w(0, "a", 0, 1), w(1, "b", 2, INF), r(2, "b", 3, 4), w(0, "c", 5, 6), r(2, "c", 7, 8)]
    assert verdict(ops) is True


def test_an_indeterminate_write_cannot_be_seen_before_it_was_sent():
    ops = [w(0, "a", 0, 1), r(2, "b", 2, 3), w(1, "b", 4, INF)]
    assert verdict(ops) is False
    assert verdict(ops, simplify=False) is False


def test_an_indeterminate_write_cannot_take_effect_twice():
    # A retry that applied the same write twice would show a, b, a.
    ops = [w(0, "a", 0, INF), r(1, "a", 1, 2), w(1, "b", 3, 4), r(1, "b", 5, 6), r(1, "a", 7, 8)]
    assert verdict(ops) is False
    assert verdict(ops, simplify=False) is False


def test_the_initial_value_is_per_key_and_keys_are_checked_apart():
    initial = {"x": "x0", "y": "y0"}
    ops = [r(0, "x0", 0, 1, key="x"), r(1, "y0", 0, 1, key="y"), w(0, "x1", 2, 3, key="x"),
           r(1, "y0", 4, 5, key="y"), r(1, "x1", 4, 5, key="x")]
    result = check(RegisterModel(initial=initial), ops)
    assert result.ok is True, result.explain()
    assert sorted(p.key for p in result.partitions) == ["x", "y"]
    # A stale read on y only: the report names y, not x.
    ops += [w(0, "y1", 6, 7, key="y"), r(2, "y0", 8, 9, key="y")]
    result = check(RegisterModel(initial=initial), ops)
    assert result.ok is False
    assert [p.key for p in result.failures()] == ["y"]
    assert "key 'y'" in result.explain() and "key 'x'" not in result.explain()


def test_the_explanation_names_the_first_unexplained_return_and_the_window():
    ops = [w(0, "a", 0, 1), w(1, "b", 2, 3)]
    ops += [r(2, "b", 4 + i, 4.5 + i) for i in range(20)]  # a long linearizable stretch
    ops += [w(0, "c", 30, 31), r(3, "b", 32, 33)]           # the stale read
    ops += [r(2, "c", 40 + i, 40.5 + i) for i in range(20)]  # and more afterwards
    result = check(RegisterModel(initial=None), ops)
    assert result.ok is False
    text = result.explain()
    assert "t=33.0000" in text, text  # the end of the minimal window: the stale read's return
    assert "read -> 'b' [32.0000, 33.0000]" in text, text
    assert "ending in state 'c'" in text, text
    assert "[40.0000" not in text, text  # nothing after the window
    assert "'b' was written by #1 " in text, text
    assert "overwritten by #22 client 0 write 'c'" in text, text


def test_equal_timestamps_count_as_concurrent():
    # The read is called exactly when the write returns: either order is fine.
    assert verdict([w(0, "a", 0, 1), w(0, "b", 1, 2), r(1, "a", 2, 3)]) is True


def test_operations_must_not_return_before_they_are_called():
    try:
        w(0, "a", 2, 1)
    except ValueError:
        return
    raise AssertionError("accepted ret < call")


def test_cut_keeps_the_history_as_seen_at_a_time():
    ops = [w(0, "a", 0, 1), w(1, "b", 2, 5), r(2, "a", 6, 7)]
    at3 = cut(ops, 3)
    assert [(op.input, op.ret) for op in at3] == [(("write", "a"), 1), (("write", "b"), INF)]


# ---- the set model and the time limit ----------------------------------------------------


def add(client, x, call, ret):
    return Operation(client=client, input=("add", x), call=call, ret=ret)


def sread(client, xs, call, ret):
    return Operation(client=client, input=("read", None), output=list(xs), call=call, ret=ret)


def test_set_model():
    ops = [add(0, 1, 0, 5), add(1, 2, 0, 5), sread(2, [1], 1, 2), sread(2, [1, 2], 6, 7)]
    assert check(SetModel(), ops).ok is True
    ops = [add(0, 1, 0, 5), add(1, 2, 0, 5), sread(2, [1], 1, 2), sread(3, [2], 3, 4)]
    assert check(SetModel(), ops).ok is False


def test_a_search_too_big_for_the_time_limit_answers_unknown_instead_of_hanging():
    # 22 concurrent adds and a read that needs an element never added: the
    # search must try every subset of the adds before it can say no.
    ops = [add(i, i, 0, 100) for i in range(22)] + [sread(99, [-1], 1, 2)]
    result = check(SetModel(), ops, time_limit=0.3)
    assert result.ok is None, result.explain()
    assert "unknown" in result.explain()


# ---- cross-check against brute force -------------------------------------------------------


def brute_force(ops, initial):
    """Linearizable iff some subset of the indeterminate ops, together with
    every definite op, has an order that respects real time and reads."""
    definite = [op for op in ops if op.ret != INF]
    maybe = [op for op in ops if op.ret == INF]
    for k in range(len(maybe) + 1):
        for chosen in itertools.combinations(maybe, k):
            subset = definite + list(chosen)
            for order in itertools.permutations(subset):
                if any(order[j].ret < order[i].call for i in range(len(order)) for j in range(i + 1, len(order))):
                    continue  # j returned before i was called, yet i comes first
                value, ok = initial, True
                for op in order:
                    if op.input[0] == "write":
                        value = op.input[1]
                    elif op.output != value:
                        ok = False
                        break
                if ok:
                    return True
    return False


def random_history(rng):
    ops = []
    values = ["v%d" % i for i in range(4)]
    for i in range(rng.randint(1, 6)):
        call = rng.randint(0, 10)
        ret = call + rng.randint(0, 4)
        if rng.random() < 0.45:
            value = values.pop(0) if values else "extra%d" % i
            ops.append(w(i, value, call, INF if rng.random() < 0.3 else ret))
        else:
            ops.append(r(i, rng.choice(["init", "v0", "v1", "v2"]), call, ret))
    return ops


def test_the_checker_agrees_with_brute_force_on_random_small_histories():
    rng = random.Random(20241124)
    seen = {True: 0, False: 0}
    for _ in range(1500):
        ops = random_history(rng)
        expected = brute_force(ops, "init")
        for simplify in (True, False):
            got = check(RegisterModel(initial="init", simplify=simplify), [op.replace() for op in ops]).ok
            assert got is expected, (simplify, ops)
        seen[expected] += 1
    assert seen[True] > 100 and seen[False] > 100, seen


def test_a_history_survives_a_round_trip_through_a_file(tmp_path):
    ops = [w(0, "a", 0.5, 1.5), w(1, "b", 2, INF), r(2, "a", 3, 4)]
    for op in ops:
        op.meta = {"node": "n1"}
    path = tmp_path / "h.json"
    dump_history(path, ops, initial="init")
    back, doc = load_history(path)
    assert doc["initial"] == "init"
    assert [(op.input, op.output, op.call, op.ret, op.meta) for op in back] == \
        [(op.input, op.output, op.call, op.ret, op.meta) for op in ops]
    assert json.loads(path.read_text())["operations"][1]["ret"] is None
