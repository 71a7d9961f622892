"""Dialogue state: what a conversation has established (schools, the rule or clause, its figures, the language).

Pure values: the engine reads a state and returns the next one; front ends keep one state per conversation in a
`Sessions` store (Telegram per chat, and per user in groups; LINE per user; the console per run; `ask --json` per
session id) and never look inside.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field

TTL_S = 15 * 60  # a conversation's context is forgotten after 15 minutes of silence
MAX_SESSIONS = 50_000


@dataclass(frozen=True)
class DialogueState:
    """What the last answered question established."""

    question: str = ""  # the last complete question, as typed
    kind: str = ""  # the last answer's kind
    schools: tuple[str, ...] = ()  # documents the last answer was about
    entries: tuple[str, ...] = ()  # the clauses it cited, most relevant first
    calculator: str | None = None  # the rule it applied
    params: tuple[tuple[str, str], ...] = ()  # the figures it used, by parameter name
    lang: str | None = None  # a language the user asked for in the conversation ("en", "zh")
    simplified: bool = False  # the user writes Simplified Chinese
    at: float = 0.0  # when the last turn was answered (seconds)
    extra: tuple[tuple[str, str], ...] = field(default=())  # anything else a later step needs

    def fresh(self, now: float, ttl: float = TTL_S) -> bool:
        """True while the conversation is still going (an answer was given less than `ttl` seconds ago)."""
        return bool(self.question) and 0 <= now - self.at <= ttl

    def param(self, name: str) -> str | None:
        """A figure the last answer used."""
        return dict(self.params).get(name)


EMPTY = DialogueState()


class Sessions:
    """Dialogue states by conversation key, forgetting idle ones; in memory only (a restart starts afresh)."""

    def __init__(self, ttl: float = TTL_S, limit: int = MAX_SESSIONS):
        self._ttl = ttl
        self._limit = limit
        self._states: OrderedDict[Hashable, DialogueState] = OrderedDict()

    def get(self, key: Hashable, now: float) -> DialogueState:
        """The conversation's state, or the empty state when it is new or has gone quiet."""
        state = self._states.get(key)
        if state is None or not state.fresh(now, self._ttl):
            self._states.pop(key, None)
            return EMPTY
        return state

    def put(self, key: Hashable, state: DialogueState) -> None:
        """Remember a conversation's new state."""
        self._states[key] = state
        self._states.move_to_end(key)
        while len(self._states) > self._limit:
            self._states.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        """Drop a conversation's state."""
        self._states.pop(key, None)

    def __len__(self) -> int:
        return len(self._states)
