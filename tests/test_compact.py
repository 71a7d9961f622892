"""The validated knowledge base shares what it repeats and keeps no loader's bookkeeping (core/compact.py)."""

from __future__ import annotations

import gc
from decimal import Decimal
from typing import Any

from core.compact import Sharer
from core.kb import KnowledgeBase
from core.yamldata import LineDict, LineList
from rules.spec import AnswerSpec, StepSpec


def _line_dict(**items: Any) -> LineDict:
    d = LineDict(items)
    d.line, d.key_lines = 3, {k: 3 for k in items}
    return d


def _line_list(*items: Any) -> LineList:
    seq = LineList(items)
    seq.line, seq.item_lines = 4, [4] * len(items)
    return seq


def test_equal_values_become_one_plain_object() -> None:
    share = Sharer()
    a = share(_line_dict(add=_line_list("hours", _line_dict(var="rate"))))
    b = share({"add": ["hours", {"var": "rate"}]})
    assert a == {"add": ["hours", {"var": "rate"}]}
    assert a is b
    assert type(a) is dict and type(a["add"]) is list and type(a["add"][1]) is dict
    assert share(("x", "y")) is share(("x", "y"))


def test_values_of_other_types_stay_apart() -> None:
    share = Sharer()
    one = [share(v) for v in (1, 1.0, True, Decimal("1"), Decimal("1.0"), "1")]
    assert [type(v) for v in one] == [int, float, bool, Decimal, Decimal, str]
    assert str(one[4]) == "1.0"
    assert share([1]) is not share([True]) and share([Decimal("1")]) is not share([Decimal("1.0")])
    assert share({"a": 1}) is not share({"a": 2})


def test_models_are_rebuilt_equal_and_shared() -> None:
    share = Sharer()
    step = StepSpec(let="total", value=_line_dict(mul=_line_list("hours", "rate")))
    again = StepSpec(let="total", value={"mul": ["hours", "rate"]})
    shared = share(step)
    assert type(shared) is StepSpec and shared == again
    assert share(again) is shared
    assert type(shared.value) is dict and type(shared.value["mul"]) is list
    other = share(AnswerSpec(zh="共 {total}", en="{total} in all"))
    assert other.when is None and other.zh == "共 {total}"


def _reachable(root: object) -> list[object]:
    seen: set[int] = set()
    out: list[object] = []
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type):
            continue
        seen.add(id(obj))
        out.append(obj)
        stack.extend(gc.get_referents(obj))
    return out


def test_rules_of_the_knowledge_base_keep_no_line_maps_and_share_parts(kb: KnowledgeBase) -> None:
    objects = _reachable(kb.rules)
    assert not [o for o in objects if isinstance(o, (LineDict, LineList))]
    assert all(rule.spec.tests == () for rule in kb.rules.values())  # run by every `check`, not needed to answer
    # an expression several rules write alike is one object
    seen: dict[str, int] = {}
    for rule in kb.rules.values():
        for step in rule.spec.steps:
            if isinstance(step.value, dict):
                seen[repr(step.value)] = seen.get(repr(step.value), 0) + 1
    repeated = [text for text, n in seen.items() if n > 1]
    assert repeated
    values = [step.value for rule in kb.rules.values() for step in rule.spec.steps if repr(step.value) == repeated[0]]
    assert len({id(v) for v in values}) == 1
