"""The console chat: the same core as Telegram, for a machine without a bot token."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import IO

import time
from dataclasses import dataclass, field, replace

from core.dialogue import EMPTY, DialogueState
from core.engine import Engine
from core.model import Answer, AnswerContext
from core.render import plain
from lang.textnorm import to_simplified

HELP = """指令 Commands:
  /sources          文件清單 covered documents
  /school <校名>    設定預設學校 set a default school (/school none 取消)
  /lang en|zh       回覆語言 reply language
  /calc             計算器清單 calculators (python bot.py calc --list for parameters)
  /help             說明 help
  /quit             離開 quit
直接輸入問題即可。Type a question."""


def _read_lines(stream: IO[str]) -> Iterator[str]:
    buf = getattr(stream, "buffer", None)
    if buf is None:
        yield from stream
        return
    while True:
        raw = buf.readline()
        if not raw:
            return
        yield raw.decode("utf-8", errors="replace")


def run_console(engine: Engine, stdin: IO[str] = sys.stdin, out: IO[str] = sys.stdout) -> int:
    """Read questions line by line and print answers until EOF or /quit."""
    session = Session()
    interactive = stdin.isatty()
    print("磨課師法規助理（主控台）MOOC regulations assistant (console). /help 說明，/quit 離開。", file=out)
    if interactive:
        print("> ", end="", file=out, flush=True)
    for line in _read_lines(stdin):
        text = line.strip()
        reply, stop = handle_line(engine, text, session)
        if reply:
            print(reply + "\n", file=out, flush=True)
        if stop:
            break
        if interactive:
            print("> ", end="", file=out, flush=True)
    return 0


@dataclass
class Session:
    """The console's one conversation: the user's settings and the dialogue state."""

    ctx: AnswerContext = field(default_factory=AnswerContext)
    state: DialogueState = EMPTY


def handle_line(engine: Engine, text: str, session: Session, now: float | None = None) -> tuple[str, bool]:
    """One console turn: a command or a question. Returns the reply and whether to stop."""
    if not text:
        return "", False
    cmd, _, arg = text.partition(" ")
    cmd = cmd.lower()
    ctx = session.ctx
    if cmd in ("/quit", "/exit", "/q"):
        return "再見 Bye.", True
    if cmd in ("/help", "/start"):
        examples = "\n".join(f"  • {f.question}" for f in engine.examples(ctx.lang or "zh", 3))
        return HELP + ("\n" + examples if examples else ""), False
    if cmd == "/sources":
        return "\n".join(engine.covered_list(ctx.lang or "zh")), False
    if cmd == "/lang":
        lang = arg.strip().lower()
        if lang in ("en", "english", "英文"):
            session.ctx = AnswerContext(ctx.default_school, "en")
            return "Replies will be in English.", False
        if lang in ("zh", "中文", "chinese"):
            session.ctx = AnswerContext(ctx.default_school, "zh")
            return "之後以中文回覆。", False
        return "用法 usage: /lang en | /lang zh", False
    if cmd == "/school":
        name = arg.strip()
        if name.lower() in ("", "none", "無", "取消"):
            session.ctx = AnswerContext(None, ctx.lang)
            return "已取消預設學校。Default school cleared.", False
        doc_id = engine.school_of(name)
        doc = engine.document(doc_id) if doc_id else None
        if doc is not None:
            session.ctx = AnswerContext(doc.id, ctx.lang)
            return f"預設學校：{doc.name_zh}。Default: {doc.name_en}.", False
        names = "、".join(d.name_zh for d in engine.documents())
        return f"找不到這所學校；可用：{names}。Unknown school.", False
    if cmd == "/calc":
        lines = [f"• {c.name}: {c.title_zh} / {c.title_en}" for c in engine.calculators()]
        return "計算器 Calculators (python bot.py calc NAME key=value …):\n" + "\n".join(lines), False
    ans, session.state = engine.converse(text, ctx, session.state, time.monotonic() if now is None else now)
    return render(ans), False


_HINTS = {
    "zh": {"set_school": "可在問題中加上校名，或用 /school 設定預設學校。", "sources": "輸入 /sources 可查看文件清單。", "step_by_step": "也可以用 /calc 一步步計算。"},
    "en": {"set_school": "Name a school in the question, or set a default with /school.", "sources": "Send /sources for the list of documents.", "step_by_step": "Or calculate step by step with /calc."},
}


def render(ans: Answer) -> str:
    """The plain reply, with this front end's commands for the answer's hints."""
    hints = _HINTS["en" if ans.lang == "en" else "zh"]
    lines = [h for h in (hints.get(k, "") for k in ans.hints) if h]
    base = plain(replace(ans, hints=()))
    return base + ("\n\n" + "\n".join(to_simplified(x) if ans.simplified else x for x in lines) if lines else "")
