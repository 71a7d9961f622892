"""The bot's own fixed words in Telegram, in Traditional Chinese and English: one table, one lookup.

Every string is Telegram HTML: the fixed text is written safe, and `t()` escapes every value it fills in. Answers
come from the engine already in the asked language; this table is for everything around them (menus, prompts,
buttons, validation, errors, staff tools).
"""

from __future__ import annotations

import html
from datetime import timedelta, timezone
from decimal import Decimal
from typing import Any

from lang.numbers import format_number
from rules.base import Param

ZH, EN = "zh", "en"

TEXTS: dict[str, tuple[str, str]] = {
    # buttons
    "btn_source": ("原文", "Source text"),
    "btn_step_by_step": ("🧮 一步步計算", "🧮 Step by step"),
    "btn_only": ("只看{name}", "Only {name}"),
    "btn_skip": ("略過", "Skip"),
    "btn_yes": ("是", "Yes"),
    "btn_no": ("否", "No"),
    "btn_none": ("不設定", "None"),
    # buttons that no longer apply, floods, slow answers, errors
    "expired": ("此按鈕已過期", "This button has expired"),
    "flood": ("您傳得太快了，請稍候一分鐘再試。", "You are sending messages too quickly; please wait a minute."),
    "flood_short": ("太快了，請稍候", "Too fast; please wait"),
    "slow": ("這個問題處理太久，請換個說法再問一次。", "This question took too long to answer; please rephrase it."),
    "error": ("抱歉，處理時發生錯誤，請再試一次。", "Sorry, something went wrong; please try again."),
    "non_text": ("目前只能讀文字訊息，請用文字輸入問題。", "I can only read text; please type your question."),
    "unknown_command": ("不認識這個指令，輸入 /help 查看可用指令。", "Unknown command; send /help for the commands."),
    # hints under answers
    "hint_set_school": ("問題中寫上校名，或用 /school 設定預設學校。", "Name a school in the question, or set a default with /school."),
    "hint_sources": ("輸入 /sources 查看涵蓋的文件。", "Send /sources for the documents covered."),
    "hint_step_by_step": ("按「🧮 一步步計算」逐項輸入數字。", "Press “🧮 Step by step” to enter the figures one at a time."),
    "hint_examples": ("輸入 /start 看範例問題。", "Send /start for example questions."),
    # feedback
    "thanks": ("謝謝！", "Thanks!"),
    "vote_same": ("已經記錄過了", "Already recorded"),
    "vote_changed": ("已更新您的評分", "Your vote was updated"),
    "vote_failed": ("暫時無法記錄", "Could not record this now"),
    "comment_prompt": ("{who}謝謝回饋！哪裡不對或不清楚？請直接回覆這則訊息（可略過）。", "{who}Thanks! What was wrong or unclear? Reply to this message (optional)."),
    "comment_saved": ("已收到您的意見，謝謝！", "Comment received, thank you!"),
    "comment_failed": ("已收到，謝謝！（意見暫時無法儲存）", "Thank you! (The comment could not be stored right now.)"),
    # 原文
    "source_pick": ("要看哪一校的條文？", "Which school's clause?"),
    "source_status": ("注意：{status}", "Note: {status}"),
    # /start, /help, /sources
    "start": (
        "您好！我是<b>磨課師法規助理</b>，回答 {n} 份磨課師相關文件的問題，並附上條文原文。\n\n{docs}\n\n試試這些問題：",
        "Hello! I am the <b>MOOC regulations assistant</b>. I answer questions on {n} Taiwanese MOOC documents, always citing the clause.\n\n{docs}\n\nTry these questions:",
    ),
    "help": (
        "<b>怎麼用</b>\n直接輸入問題，例如「{example}」。每個回答都附上條文出處與原文。\n"
        "/calc 計算器（學分、補助上限、鐘點、助教、預算、期限）\n/sources 涵蓋的文件與日期\n"
        "/school 設定預設學校（問題沒寫校名時使用）\n/lang 中文或 English\n/cancel 取消計算\n"
        "小技巧：問題裡寫上校名（{names}）最準確；群組中請 @我 或回覆我的訊息。",
        "<b>How to use</b>\nType a question, e.g. “{example}”. Every answer cites its clause.\n"
        "/calc calculators (credits, subsidy caps, hours, TAs, budgets, deadlines)\n/sources the documents and their dates\n"
        "/school a default school (for questions that name none)\n/lang 中文 or English\n/cancel stop a calculation\n"
        "Tip: naming the school ({names}) gives the most precise answer; in groups, mention me or reply to my message.",
    ),
    # /school, /lang
    "school_menu": ("目前預設：{name}\n請選擇預設學校：", "Current default: {name}\nChoose a default school:"),
    "school_none": ("未設定", "none"),
    "school_set": ("預設學校：{name}。", "Default school: {name}."),
    "school_cleared": ("已取消預設學校。", "Default school cleared."),
    "not_saved": ("（暫時無法儲存）", " (could not be saved right now)"),
    "lang_menu": ("請選擇回覆語言：", "Choose the reply language:"),
    "lang_set": ("之後以中文回覆。", "Replies will be in English."),
    # /calc
    "calc_menu": ("請選擇計算器（隨時輸入 /cancel 取消）：", "Choose a calculator (/cancel to stop at any time):"),
    "calc_title": ("<b>{title}</b>\n{description}", "<b>{title}</b>\n{description}"),
    "calc_ask": ("{who}請輸入{label}{unit}", "{who}Enter the {label}{unit}"),
    "calc_choose": ("{who}請選擇{label}", "{who}Choose the {label}"),
    "calc_allowed": ("可用範圍：{allowed}", "Allowed: {allowed}"),
    "calc_optional": ("（可略過）", "(optional)"),
    "calc_reply_here": ("（請回覆這則訊息）", "(reply to this message)"),
    "calc_bad_value": ("「{raw}」不能作為{label}。{reason}\n請再輸入一次（/cancel 取消）。", "“{raw}” cannot be used as the {label}. {reason}\nPlease enter it again (/cancel to stop)."),
    "calc_bad_reason": ("可用範圍：{allowed}。", "Allowed: {allowed}."),
    "calc_too_long": ("太長了。", "It is too long."),
    "calc_whole": ("必須是整數：{allowed}。", "It must be a whole number: {allowed}."),
    "calc_required": ("這一項必填。", "This one is required."),
    "calc_cannot": ("無法計算：{message}\n請重新輸入。", "Cannot calculate: {message}\nPlease enter the figures again."),
    "calc_left": ("（已離開「{title}」計算；要重新開始請輸入 /calc。）", "(Left the “{title}” calculation; send /calc to start again.)"),
    "calc_left_menu": ("（已離開計算器選單；要重新開始請輸入 /calc。）", "(Left the calculator menu; send /calc to start again.)"),
    "calc_timeout": ("{who}「{title}」計算已逾時結束（{minutes} 分鐘沒有回覆）。要重新開始請輸入 /calc。", "{who}The “{title}” calculation timed out ({minutes} minutes without a reply). Send /calc to start again."),
    "calc_menu_title": ("計算器選單", "calculator menu"),
    "calc_cancelled": ("已取消計算。", "Calculation cancelled."),
    "calc_none": ("目前沒有進行中的計算。", "No calculation is in progress."),
    "calc_gone": ("這個計算已失效，請重新輸入 /calc。", "This calculation has expired; send /calc again."),
    # allowed values of a calculator parameter
    "allowed_range": ("{low}–{high}{unit}", "{low}–{high}{unit}"),
    "allowed_int": ("{low}–{high}{unit}的整數", "a whole number, {low}–{high}{unit}"),
    "allowed_number": ("數字 {bound}{unit}", "a number {bound}{unit}"),
    "allowed_int_open": ("整數 {bound}{unit}", "a whole number {bound}{unit}"),
    "allowed_date": ("民國 114.03.01 或西元 2025-03-01", "ROC 114.03.01 or ISO 2025-03-01"),
    "allowed_list": ("以逗號分隔的數字，每項 {each}", "numbers separated by commas, each {each}"),
    "allowed_text": ("文字", "text"),
    "allowed_bool": ("是／否", "yes / no"),
    "list_sep": ("、", ", "),
    # staff
    "storage_down": ("暫時讀不到資料庫。", "Storage is unavailable right now."),
    "stats": (
        "<b>近 {days} 天</b>：問題 {total}，未能回答 {unknown}（{share}），👍 {up} 👎 {down}\n<b>最常引用</b>\n{top}",
        "<b>Last {days} days</b>: {total} questions, {unknown} unanswered ({share}), 👍 {up} 👎 {down}\n<b>Most cited</b>\n{top}",
    ),
    "chart_caption": ("每日問題數與未能回答比例", "Questions a day and the share unanswered"),
    "chart_questions": ("每日問題數", "questions a day"),
    "chart_unanswered": ("未能回答（%）", "% unanswered"),
    "chart_title": ("近 {days} 天：{total} 題，{share} 未能回答", "Last {days} days: {total} questions, {share} unanswered"),
    "unanswered_caption": ("{n} 筆", "{n} rows"),
    "csv_header": ("時間,問題,類型,條目,分數,評分,意見", "time,question,kind,entries,score,feedback,comment"),
    "reload_ok": ("已重新載入：{n} 筆條目。", "Reloaded: {n} entries."),
    "reload_problems": ("<b>知識庫有 {n} 個問題，繼續使用舊版。</b>\n{shown}{more}", "<b>The knowledge base has {n} problem(s); the old one stays.</b>\n{shown}{more}"),
    "reload_more": ("\n…另有 {n} 個", "\n… {n} more"),
    "reload_failed": ("重新載入失敗（{kind}），繼續使用舊版。", "Reload failed ({kind}); the old knowledge base stays."),
    "reload_timeout": ("重新載入超過 {s} 秒，繼續使用舊版。", "Reloading took longer than {s} s; the old knowledge base stays."),
    "reload_busy": ("正在重新載入，請稍候。", "A reload is already running."),
}


def lang_key(lang: str | None) -> str:
    """"en" or "zh" (Simplified and Traditional Chinese share the table)."""
    return EN if lang == EN else ZH


def t(lang: str | None, key: str, **values: Any) -> str:
    """The text `key` in `lang`, with `values` escaped and filled in (values wrapped in `Raw` go in as they are)."""
    text = TEXTS[key][1 if lang == EN else 0]
    if not values:
        return text
    return text.format(**{k: v.html if isinstance(v, Raw) else html.escape(str(v), quote=False) for k, v in values.items()})


def tp(lang: str | None, key: str, **values: Any) -> str:
    """The text `key` in `lang` as plain text (for texts escaped later, line by line)."""
    text = TEXTS[key][1 if lang == EN else 0]
    return text.format(**values) if values else text


class Raw:
    """HTML that is already safe (built from `t()` or escaped), to fill into another text."""

    __slots__ = ("html",)

    def __init__(self, safe_html: str):
        self.html = safe_html


def esc(text: str) -> str:
    """Escape dynamic text for Telegram HTML."""
    return html.escape(text, quote=False)


# --- calculator parameters in the user's language ---------------------------------------------------------------


def label(p: Param, lang: str) -> str:
    """A parameter's name."""
    return p.label_en if lang == EN else p.label_zh


def unit(p: Param, lang: str) -> str:
    """A parameter's unit, or ""."""
    return p.unit_en if lang == EN else p.unit_zh


def choice_label(p: Param, value: str, lang: str) -> str:
    """A choice's label (never its internal value)."""
    for c in p.choices:
        if c.value == value:
            return c.label_en if lang == EN else c.label_zh
    return value


def _num(value: Decimal | None) -> str:
    return "" if value is None else format_number(value)


def allowed(p: Param, lang: str) -> str:
    """What a parameter accepts, said in one language (plain text; `t()` escapes it where it is filled in)."""
    u = unit(p, lang)
    space_unit = f" {u}" if u and lang == EN else u
    if p.kind == "choice":
        return TEXTS["list_sep"][1 if lang == EN else 0].join(choice_label(p, c.value, lang) for c in p.choices)
    if p.kind == "bool":
        return TEXTS["allowed_bool"][1 if lang == EN else 0]
    if p.kind == "date":
        return TEXTS["allowed_date"][1 if lang == EN else 0]
    if p.kind == "text":
        return (p.help_en if lang == EN else p.help_zh) or TEXTS["allowed_text"][1 if lang == EN else 0]
    i = 1 if lang == EN else 0
    if p.minimum is not None and p.maximum is not None:
        rng = TEXTS["allowed_int" if p.kind == "int" else "allowed_range"][i].format(low=_num(p.minimum), high=_num(p.maximum), unit=space_unit)
    else:
        bound = f"≥ {_num(p.minimum)}" if p.minimum is not None else f"≤ {_num(p.maximum)}" if p.maximum is not None else ""
        rng = TEXTS["allowed_int_open" if p.kind == "int" else "allowed_number"][i].format(bound=bound, unit=space_unit).strip()
    if p.kind == "list":
        return TEXTS["allowed_list"][1 if lang == EN else 0].format(each=rng)
    return rng


def param_help(p: Param, lang: str) -> str:
    """A parameter's own help line, in the user's language only ("" when it has none in that language)."""
    return p.help_en if lang == EN else p.help_zh

TAIPEI_TZ = timezone(timedelta(hours=8))  # the time zone of the dates people read here
