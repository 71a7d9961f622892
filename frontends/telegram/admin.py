"""Staff tools for ADMIN_USER_IDS only: /stats, /unanswered, /reload. Others get the unknown-command reply."""

from __future__ import annotations

import csv
import functools
import io
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta, timezone
from typing import Any

from telegram import InputFile, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from core.kb import KnowledgeBaseError
from frontends.telegram.common import esc, services
from frontends.telegram.start import unknown_command

log = logging.getLogger(__name__)
TAIPEI = timezone(timedelta(hours=8))


def stats_chart(stats: dict[str, Any]) -> bytes:
    """A PNG: questions a day (bars) with the share unanswered (line)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = [d for d, _, _ in stats["per_day"]]
    totals = [n for _, n, _ in stats["per_day"]]
    share = [(u / n * 100 if n else 0.0) for _, n, u in stats["per_day"]]
    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=110)
    ax.bar(range(len(days)), totals, color="#4C72B0", label="questions / day")
    ax.set_ylabel("questions")
    ax.set_xticks(range(len(days)))
    ax.set_xticklabels([d[5:] for d in days], rotation=60, fontsize=7)
    ax2 = ax.twinx()
    ax2.plot(range(len(days)), share, color="#DD8452", marker="o", label="% unanswered")
    ax2.set_ylabel("% unanswered")
    ax2.set_ylim(0, 100)
    ax.set_title(f"Last {stats['days']} days: {stats['total']} questions, {stats['unknown_share']:.0%} unanswered")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def staff_only(handler: Handler) -> Handler:
    """For ADMIN_USER_IDS only; anyone else gets the reply to a command that does not exist."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if update.effective_message is None or not services(context).is_admin(user.id if user else None):
            await unknown_command(update, context)
            return
        await handler(update, context)

    return guarded


@staff_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A summary and a chart: questions a day, share unanswered, top entries, 👍/👎."""
    svc = services(context)
    msg = update.effective_message
    assert msg is not None  # staff_only let it through
    data = await svc.repo.stats(30)
    if data is None:
        await msg.reply_text("暫時讀不到資料庫。 Storage is unavailable right now.", do_quote=False)
        return
    top = "\n".join(f"{i}. {esc(eid)} ×{n}" for i, (eid, n) in enumerate(data["top_entries"], start=1)) or "—"
    text = (
        f"<b>近 30 天</b> 問題 {data['total']}，未能回答 {data['unknown']}（{data['unknown_share']:.0%}），"
        f"👍 {data['thumbs_up']} 👎 {data['thumbs_down']}\n<b>最常引用</b>\n{top}"
    )
    await msg.reply_html(text, do_quote=False)
    if data["per_day"]:
        png = stats_chart(data)
        await msg.reply_photo(InputFile(io.BytesIO(png), filename="stats.png"), caption="questions a day · % unanswered", do_quote=False)


@staff_only
async def unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Recent `unknown` and 👎 questions as a CSV document."""
    svc = services(context)
    msg = update.effective_message
    assert msg is not None  # staff_only let it through
    rows = await svc.repo.unanswered(500)
    if rows is None:
        await msg.reply_text("暫時讀不到資料庫。 Storage is unavailable right now.", do_quote=False)
        return
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["time", "question", "kind", "entries", "score", "feedback", "comment"])
    for r in rows:
        when = datetime.fromtimestamp(r.ts, TAIPEI).strftime("%Y-%m-%d %H:%M")
        w.writerow([when, _csv_safe(r.question), r.kind, r.entries, f"{r.score:.3f}", r.feedback or "", _csv_safe(r.comment or "")])
    data = ("\ufeff" + buf.getvalue()).encode("utf-8")
    await msg.reply_document(InputFile(io.BytesIO(data), filename="unanswered.csv"), caption=f"{len(rows)} 筆 rows", do_quote=False)


def _csv_safe(text: str) -> str:
    """Keep spreadsheet programs from running formulas a user typed."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@staff_only
async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-read and validate the knowledge base; on error keep the old one and report the problems."""
    svc = services(context)
    msg = update.effective_message
    assert msg is not None  # staff_only let it through
    try:
        engine = svc.rebuild()
    except KnowledgeBaseError as exc:
        shown = "\n".join(esc(str(p)) for p in exc.problems[:15])
        more = f"\n… {len(exc.problems) - 15} more" if len(exc.problems) > 15 else ""
        await msg.reply_html(f"<b>知識庫有 {len(exc.problems)} 個問題，繼續使用舊版。</b>\n{shown}{more}", do_quote=False)
        return
    except Exception as exc:  # noqa: BLE001 - report and keep serving
        log.exception("reload failed")
        await msg.reply_text(f"重新載入失敗，繼續使用舊版：{type(exc).__name__}", do_quote=False)
        return
    svc.engine = engine
    n = engine.entry_count()
    await msg.reply_text(f"已重新載入：{n} 筆條目。 Reloaded: {n} entries.", do_quote=False)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Staff commands."""
    app.add_handler(CommandHandler("stats", stats))
    app.add_handler(CommandHandler("unanswered", unanswered))
    app.add_handler(CommandHandler("reload", reload))
