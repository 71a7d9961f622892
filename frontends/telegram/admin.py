"""Staff tools, for ADMIN_USER_IDS in a private chat only: /stats, /unanswered, /reload. Anyone else, and any group,
gets the unknown-command reply, so nothing of the question log is ever posted to a group."""

from __future__ import annotations

import csv
import functools
import io
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import InputFile, Update
from telegram.ext import CommandHandler

from core.kb import KnowledgeBaseError
from frontends.telegram.chats import Target, send
from frontends.telegram.context import App, Ctx
from frontends.telegram.start import unknown_command
from frontends.telegram.texts import EN, TAIPEI_TZ, Raw, esc, t, tp

if TYPE_CHECKING:
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)
TAIPEI = TAIPEI_TZ
STATS_DAYS = 30
CHART_TTL_S = 60.0
PROBLEMS_SHOWN = 15

Day = tuple[str, int, int]  # ISO date, questions, unanswered


def full_days(per_day: list[Day], days: int, now: float) -> list[Day]:
    """Every date of the period in Taipei time, with zeros for days without questions."""
    have = {d: (n, u) for d, n, u in per_day}
    first = datetime.fromtimestamp(now - days * 86400, TAIPEI).date()
    last = datetime.fromtimestamp(now, TAIPEI).date()
    out: list[Day] = []
    day = first
    while day <= last:
        n, u = have.get(day.isoformat(), (0, 0))
        out.append((day.isoformat(), n, u))
        day += timedelta(days=1)
    return out


@functools.lru_cache(maxsize=1)
def _cjk_font() -> str | None:
    """A font family that has Chinese characters, when the machine has one (the chart falls back to English)."""
    from matplotlib import font_manager

    for path in font_manager.findSystemFonts():
        name = path.rsplit("/", 1)[-1].lower()
        if any(k in name for k in ("notosanscjk", "notoserifcjk", "wqy", "droidsansfallback", "sourcehansans", "notosanstc")):
            try:
                font_manager.fontManager.addfont(path)
                return str(font_manager.FontProperties(fname=path).get_name())
            except (OSError, RuntimeError, ValueError):
                continue
    return None


def stats_chart(days: list[Day], lang: str, total: int, share: str) -> bytes:
    """The chart as a PNG (run in a worker thread)."""
    buf = io.BytesIO()
    chart_figure(days, lang, total, share).savefig(buf, format="png")
    return buf.getvalue()


def chart_figure(days: list[Day], lang: str, total: int, share: str) -> Figure:
    """Questions a day as bars and the share unanswered as a line, with a legend, every day of the period on the
    axis (matplotlib is imported here, on first use, in the worker thread)."""
    from matplotlib.figure import Figure

    font = _cjk_font() if lang != EN else None
    words = lang if font is not None or lang == EN else EN  # Chinese labels only with a font that can draw them
    xs = range(len(days))
    fig = Figure(figsize=(8, 3.6), dpi=110)
    ax = fig.subplots()
    bars = ax.bar(xs, [n for _, n, _ in days], color="#4C72B0", label=tp(words, "chart_questions"))
    ax2 = ax.twinx()
    (line,) = ax2.plot(xs, [u / n * 100 if n else 0.0 for _, n, u in days], color="#DD8452", marker="o", markersize=3, label=tp(words, "chart_unanswered"))
    ax2.set_ylim(0, 100)
    step = max(1, len(days) // 15)
    ax.set_xticks(list(xs)[::step])
    ax.set_xticklabels([d[5:] for d, _, _ in days][::step], rotation=60, fontsize=7)
    ax.set_title(tp(words, "chart_title", days=STATS_DAYS, total=total, share=share), fontfamily=font)
    ax.legend(handles=[bars, line], loc="upper left", prop={"family": font, "size": 8} if font else {"size": 8})
    fig.tight_layout()
    return fig


Handler = Callable[[Update, Ctx], Coroutine[Any, Any, None]]


def staff_only(handler: Handler) -> Handler:
    """For ADMIN_USER_IDS in a private chat; anyone else, and every group, gets the reply to a command that does not exist."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: Ctx) -> None:
        user, target = update.effective_user, Target.of(update)
        if target is None or not target.private or not context.svc.is_admin(user.id if user else None):
            await unknown_command(update, context)
            return
        await handler(update, context)

    return guarded


@staff_only
async def stats(update: Update, context: Ctx) -> None:
    """A summary (top entries by clause and title) and a chart; a chart that cannot be drawn or sent is logged and the text stands."""
    svc, target, lang = context.svc, Target.of(update), await context.lang(update)
    assert target is not None  # staff_only let it through
    data = await svc.repo.stats(STATS_DAYS)
    if data is None:
        await send(context, target, t(lang, "storage_down"))
        return
    top = "\n".join(esc(f"{i}. {svc.engine.describe(eid, lang) or eid} ×{n}") for i, (eid, n) in enumerate(data["top_entries"], start=1)) or "—"
    share = f"{data['unknown_share']:.0%}"
    await send(context, target, t(lang, "stats", days=STATS_DAYS, total=data["total"], unknown=data["unknown"], share=share, up=data["thumbs_up"], down=data["thumbs_down"], top=Raw(top)))
    try:
        png = await _chart(context, data, lang, share)
        await context.bot.send_photo(target.chat_id, InputFile(io.BytesIO(png), filename="stats.png"), caption=t(lang, "chart_caption"))
    except Exception:  # noqa: BLE001 - the text above stands on its own
        log.warning("the statistics chart could not be drawn or sent", exc_info=True)


async def _chart(context: Ctx, data: dict[str, Any], lang: str, share: str) -> bytes:
    """The chart, drawn in a worker thread, kept for a minute."""
    cached = context.bot_data.chart.get(lang)
    if cached is not None and time.monotonic() - cached[0] < CHART_TTL_S:
        return cached[1]
    days = full_days(data["per_day"], STATS_DAYS, time.time())
    png = await context.svc.work(stats_chart, days, lang, int(data["total"]), share)
    context.bot_data.chart[lang] = (time.monotonic(), png)
    return png


@staff_only
async def unanswered(update: Update, context: Ctx) -> None:
    """Recent `unknown` and 👎 questions, with their comments, as a CSV document."""
    svc, target, lang = context.svc, Target.of(update), await context.lang(update)
    assert target is not None  # staff_only let it through
    rows = await svc.repo.unanswered(500)
    if rows is None:
        await send(context, target, t(lang, "storage_down"))
        return
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(tp(lang, "csv_header").split(","))
    for r in rows:
        when = datetime.fromtimestamp(r.ts, TAIPEI).strftime("%Y-%m-%d %H:%M")
        w.writerow([when, _csv_safe(r.question), r.kind, r.entries, f"{r.score:.3f}", r.feedback or "", _csv_safe(r.comment or "")])
    data = ("\ufeff" + buf.getvalue()).encode("utf-8")
    await context.bot.send_document(target.chat_id, InputFile(io.BytesIO(data), filename="unanswered.csv"), caption=t(lang, "unanswered_caption", n=len(rows)))


def _csv_safe(text: str) -> str:
    """Keep spreadsheet programs from running formulas a user typed."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@staff_only
async def reload(update: Update, context: Ctx) -> None:
    """Re-read and validate the knowledge base in a worker thread within a time limit; on any failure keep the old one."""
    svc, target, lang = context.svc, Target.of(update), await context.lang(update)
    assert target is not None  # staff_only let it through
    if svc.reloading:
        await send(context, target, t(lang, "reload_busy"))
        return
    try:
        engine = await svc.rebuilt()
    except TimeoutError:
        log.warning("reload took over %g s; keeping the old knowledge base", svc.reload_budget_s)
        await send(context, target, t(lang, "reload_timeout", s=f"{svc.reload_budget_s:g}"))
        return
    except KnowledgeBaseError as exc:
        await send(context, target, _problems(lang, exc.problems))
        return
    except Exception as exc:  # noqa: BLE001 - report and keep serving
        log.exception("reload failed")
        await send(context, target, t(lang, "reload_failed", kind=type(exc).__name__))
        return
    svc.install(engine)  # the answering processes and the other front ends answer from the new knowledge base too
    await send(context, target, t(lang, "reload_ok", n=engine.entry_count()))


def _problems(lang: str, problems: Sequence[object]) -> str:
    shown = "\n".join(esc(str(p)) for p in problems[:PROBLEMS_SHOWN])
    more = t(lang, "reload_more", n=len(problems) - PROBLEMS_SHOWN) if len(problems) > PROBLEMS_SHOWN else ""
    return t(lang, "reload_problems", n=len(problems), shown=Raw(shown), more=Raw(more))


def register(app: App, group: int) -> None:
    """Staff commands."""
    app.add_handler(CommandHandler("stats", stats), group)
    app.add_handler(CommandHandler("unanswered", unanswered), group)
    app.add_handler(CommandHandler("reload", reload), group)

