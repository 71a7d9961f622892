"""The typed context of every handler (python-telegram-bot's `ContextTypes`): bot data holding the services, chat
data for the bot's prompts in a chat, user data for step-by-step flows."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from frontends.telegram.services import Services
from frontends.telegram.texts import EN, ZH
from storage.repository import Settings

MAX_TRACKED = 500  # bot messages remembered per chat (whose they are)


@dataclass
class Flow:
    """A step-by-step calculation in one chat: which calculator, what is given, which step is pending."""

    id: str  # a fresh token per flow: buttons of an ended flow never match a new one
    chat_id: int
    user_id: int
    private: bool
    lang: str
    calculator: str | None = None  # None while the menu is shown
    params: dict[str, str] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    pending: str | None = None  # the parameter asked for now
    step: int = 0  # counts prompts: a keyboard carries the step it was sent for
    prompt_id: int | None = None  # the message id of the pending prompt
    question: str = ""  # what started it (logged with the result)


@dataclass
class Prompt:
    """A 👎 comment prompt: whose it is and which logged question it is about."""

    user_id: int
    question_id: int


@dataclass
class UserData:
    """Per user: the flow in progress in each chat."""

    flows: dict[int, Flow] = field(default_factory=dict)


@dataclass
class ChatData:
    """Per chat: which user each recent bot message was for (groups), and the open 👎 comment prompts."""

    owners: OrderedDict[int, int] = field(default_factory=OrderedDict)
    prompts: OrderedDict[int, Prompt] = field(default_factory=OrderedDict)

    def own(self, message_id: int, user_id: int) -> None:
        """Remember that a bot message is for `user_id`."""
        self.owners[message_id] = user_id
        while len(self.owners) > MAX_TRACKED:
            self.owners.popitem(last=False)

    def prompt(self, message_id: int, prompt: Prompt) -> None:
        """Remember a comment prompt."""
        self.prompts[message_id] = prompt
        while len(self.prompts) > MAX_TRACKED:
            self.prompts.popitem(last=False)


class BotData:
    """Per application: the services (set once by build_application) and the cached staff chart."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.chart: dict[str, tuple[float, bytes]] = {}  # lang → (when, PNG)


class Ctx(CallbackContext[ExtBot[None], UserData, ChatData, BotData]):
    """The context handlers get: typed data, the services, and the asker's settings and language."""

    def __init__(self, application: Application[ExtBot[None], Ctx, UserData, ChatData, BotData, JobQueue[Ctx]], chat_id: int | None = None, user_id: int | None = None):
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._settings: Settings | None = None

    @property
    def svc(self) -> Services:
        """The application's services."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("the application was built without services")
        return services

    async def settings(self, update: object) -> Settings:
        """The asker's stored settings (defaults when there is no user or storage is down)."""
        if self._settings is None:
            user = update.effective_user if isinstance(update, Update) else None
            self._settings = await self.svc.repo.settings(user.id) if user is not None else Settings()
        return self._settings

    async def lang(self, update: object) -> str:
        """The asker's language: their /lang, else English when their Telegram client is in English, else Chinese."""
        settings = await self.settings(update)
        if settings.lang in (ZH, EN):
            return settings.lang
        user = update.effective_user if isinstance(update, Update) else None
        code = (user.language_code or "") if user is not None else ""
        return EN if code.lower().startswith("en") else ZH


App = Application[ExtBot[None], Ctx, UserData, ChatData, BotData, JobQueue[Ctx]]

CONTEXT_TYPES = ContextTypes(context=Ctx, bot_data=BotData, chat_data=ChatData, user_data=UserData)


def is_private(update: Update) -> bool:
    """A one-to-one chat with the bot."""
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE
