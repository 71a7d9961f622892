"""The default rich menu (問問題 / 計算機 / 文件 / 學校 / 語言 / 說明): its image, drawn here with Pillow and a
subset of Noto Sans CJK TC shipped in fonts/ (OFL), and `python bot.py line-setup`, which creates or replaces it.

Idempotent: menus of our name made by an earlier run are deleted first; other menus of the channel are left alone.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any, TextIO

from PIL import Image, ImageDraw, ImageFont

from frontends.line.api import LineApi

FONT = Path(__file__).resolve().parent / "fonts" / "NotoSansCJKtc-Bold-menu.otf"
MENU_NAME = "mooc-regulations-assistant"
WIDTH, HEIGHT = 2500, 1686
MAX_IMAGE = 1024 * 1024  # the Messaging API's limit for a rich-menu image
# (label, English label, postback action); the labels' characters are all in the shipped font subset.
BUTTONS: tuple[tuple[str, str, str], ...] = (
    ("問問題", "Ask", "ask"),
    ("計算機", "Calculator", "calc"),
    ("文件", "Documents", "docs"),
    ("學校", "School", "school"),
    ("語言", "Language", "lang"),
    ("說明", "Help", "help"),
)
COLOURS = ("#0F766E", "#115E59", "#134E4A", "#1E3A8A", "#1E40AF", "#3730A3")


def _areas() -> list[tuple[int, int, int, int]]:
    """Three columns by two rows over the whole image (x, y, width, height), the last column taking the remainder."""
    col = WIDTH // 3
    row = HEIGHT // 2
    out = []
    for i in range(6):
        x, y = (i % 3) * col, (i // 3) * row
        w = WIDTH - x if i % 3 == 2 else col
        h = HEIGHT - y if i // 3 == 1 else row
        out.append((x, y, w, h))
    return out


def draw_menu() -> bytes:
    """The menu image as PNG: six tiles, a Chinese label and its English name on each."""
    img = Image.new("RGB", (WIDTH, HEIGHT), "#FFFFFF")
    draw = ImageDraw.Draw(img)
    big = ImageFont.truetype(str(FONT), 150)
    small = ImageFont.truetype(str(FONT), 72)
    for (label, english, _), (x, y, w, h), colour in zip(BUTTONS, _areas(), COLOURS):
        draw.rectangle((x + 8, y + 8, x + w - 8, y + h - 8), fill=colour)
        cx, cy = x + w // 2, y + h // 2
        draw.text((cx, cy - 40), label, font=big, fill="#FFFFFF", anchor="mm")
        draw.text((cx, cy + 110), english, font=small, fill="#D1FAE5", anchor="mm")
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    data = buf.getvalue()
    if len(data) > MAX_IMAGE:
        raise ValueError(f"the rich-menu image is {len(data)} bytes, over the 1 MB limit")
    return data


def menu_request() -> dict[str, Any]:
    """The rich menu object: six postback areas (`menu:NAME`, the same for every user), shown by default."""
    areas = []
    for (label, _, action), (x, y, w, h) in zip(BUTTONS, _areas()):
        act: dict[str, Any] = {"type": "postback", "label": label, "data": f"menu:{action}", "displayText": label}
        if action == "ask":
            act["inputOption"] = "openKeyboard"
        areas.append({"bounds": {"x": x, "y": y, "width": w, "height": h}, "action": act})
    return {"size": {"width": WIDTH, "height": HEIGHT}, "selected": True, "name": MENU_NAME, "chatBarText": "選單 Menu", "areas": areas}


async def setup(api: LineApi, out: TextIO = sys.stdout) -> int:
    """Create (or replace) the default rich menu; print each step."""
    old = [menu_id for menu_id, name in await api.rich_menus() if name == MENU_NAME]
    for menu_id in old:
        await api.delete_rich_menu(menu_id)
        print(f"deleted the earlier rich menu {menu_id}", file=out)
    menu_id = await api.create_rich_menu(menu_request())
    print(f"created rich menu {menu_id} ({MENU_NAME}: {' / '.join(b[0] for b in BUTTONS)})", file=out)
    image = draw_menu()
    await api.set_rich_menu_image(menu_id, image)
    print(f"uploaded its image ({WIDTH}x{HEIGHT} PNG, {len(image):,} bytes)", file=out)
    await api.set_default_rich_menu(menu_id)
    print(f"set {menu_id} as the default rich menu for every user", file=out)
    return 0


async def setup_command(access_token: str, base_url: str | None, out: TextIO = sys.stdout) -> int:
    """`python bot.py line-setup`."""
    api = LineApi(access_token, base_url)
    await api.open()
    try:
        return await setup(api, out)
    finally:
        await api.close()
