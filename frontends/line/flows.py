"""Calculator step flows: one pending calculation per user and chat, a parameter at a time, forgotten after 10
minutes. Nothing traps: a message that is not an answer to the pending step leaves the flow (the caller then handles
it as usual); buttons of an older flow carry another nonce and expire.
"""

from __future__ import annotations

import re
import secrets
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

from rules.base import CalcError, Param
from rules.evaluate import Rule

TTL_S = 10 * 60
MAX_FLOWS = 20_000
CANCEL_WORDS = frozenset({"取消", "離開", "結束", "停止", "取消計算", "cancel", "/cancel", "stop", "quit", "exit", "取消计算", "离开", "结束"})
_MAX_VALUE = 64  # characters of a typed value (longer text is a question, not a figure)
_MAX_WORDS = 6  # characters besides numerals and punctuation in a typed figure (「27 小時」, 「約 3 萬元」)
_NUMERAL = re.compile(r"[0-9０-９零〇一二兩两三四五六七八九十百千萬万億亿]")
_PUNCT = re.compile(r"[\s.,，、。:：;；/\-+－~～()（）%％$＄]")


@dataclass
class Flow:
    """A calculation in progress."""

    calculator: str
    nonce: str
    updated: float
    params: dict[str, str] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    pending: str | None = None


class Flows:
    """Pending calculations by (user, chat), each forgotten after `ttl` seconds without a step."""

    def __init__(self, ttl: float = TTL_S, limit: int = MAX_FLOWS):
        self._ttl = ttl
        self._limit = limit
        self._flows: OrderedDict[Hashable, Flow] = OrderedDict()

    def get(self, key: Hashable, now: float) -> Flow | None:
        """The pending flow, or None when there is none or it has timed out."""
        flow = self._flows.get(key)
        if flow is None:
            return None
        if not 0 <= now - flow.updated <= self._ttl:
            self._flows.pop(key, None)
            return None
        return flow

    def start(self, key: Hashable, calculator: str, params: dict[str, str], now: float) -> Flow:
        """A new flow (replacing any other of this user and chat: its buttons expire)."""
        flow = Flow(calculator=calculator, nonce=secrets.token_urlsafe(6), updated=now, params=dict(params))
        self._flows[key] = flow
        self._flows.move_to_end(key)
        while len(self._flows) > self._limit:
            self._flows.popitem(last=False)
        return flow

    def drop(self, key: Hashable) -> Flow | None:
        """End the flow (finished or cancelled)."""
        return self._flows.pop(key, None)


def next_param(flow: Flow, calc: Rule) -> Param | None:
    """The next parameter to ask for, or None when the calculator can run."""
    for p in calc.params:
        if p.name not in flow.params and p.name not in flow.skipped:
            return p
    return None


Verdict = Literal["value", "invalid", "cancel", "leave"]


@dataclass(frozen=True)
class Taken:
    """What a typed message means for the pending step."""

    verdict: Verdict
    value: str = ""
    error: CalcError | None = None


def take_text(p: Param, text: str) -> Taken:
    """A typed message as the answer to `p`: a valid value, an invalid attempt (asked again), cancel, or not an answer."""
    raw = text.strip()
    if raw.lower() in CANCEL_WORDS:
        return Taken("cancel")
    if not raw or len(raw) > _MAX_VALUE:
        return Taken("leave")
    try:
        p.coerce(raw)
    except CalcError as err:
        # Choices come by button; a short figure (digits with a unit or a few words around them) is an attempt at
        # this step, asked again; anything else is a message of its own.
        if p.kind in ("choice", "bool") or not _NUMERAL.search(raw) or len(_NUMERAL.sub("", _PUNCT.sub("", raw))) > _MAX_WORDS:
            return Taken("leave")
        return Taken("invalid", raw, err)
    except Exception:  # noqa: BLE001 - a parser fault is an invalid value, never a crash
        return Taken("invalid", raw, CalcError(p.name, "無法解讀這個值", "could not read this value"))
    return Taken("value", raw)


def take_choice(p: Param, value: str) -> Taken:
    """A button's value for `p` (validated like typed text; a forged value is invalid)."""
    try:
        p.coerce(value)
    except CalcError as err:
        return Taken("invalid", value, err)
    except Exception:  # noqa: BLE001
        return Taken("invalid", value, CalcError(p.name, "無法解讀這個值", "could not read this value"))
    return Taken("value", value)
