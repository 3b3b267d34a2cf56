"""The bot on Telegram: a python-telegram-bot Application whose handlers hand events to the engine."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from telegram import BotCommand, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.engine.events import Command, Edited, Event, parse_text
from bot.engine.files import MAX_BYTES, EvidenceUnavailable, too_big
from bot.engine.outputs import Document, Output, PlatformAction
from bot.engine.program import Program
from bot.fatal import Exit, Fatal
from bot.platforms.callback_data import CallbackCodec
from bot.platforms.flood import FloodGuard, Verdict
from bot.platforms.telegram import CAPABILITIES
from bot.platforms.telegram.aiohttp_request import AiohttpRequest
from bot.platforms.telegram.calls import answer_query, quietly, retrying, send_message
from bot.platforms.telegram.incoming import event_for
from bot.platforms.telegram.processor import PerChatUpdateProcessor
from bot.platforms.telegram.render import is_sensitive, keyboard, reply_texts
from bot.service import ChatService
from bot.settings import Settings

PLATFORM = CAPABILITIES.name
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
DELETE_WINDOW = timedelta(hours=48) - timedelta(minutes=5)  # Telegram deletes only younger messages
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
MENU_COMMANDS = ("start", "menu", "help")  # then the flows' own commands (such as /note), then these:
PRIVACY_COMMANDS = ("forget", "clear", "exit")  # last, in this order (forget only when a flow declares it)

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE


class TelegramBot:
    """Wire Telegram updates to the chat service, and the service's outputs back to Telegram."""

    def __init__(
        self,
        settings: Settings,
        program: Program,
        flood: FloodGuard | None = None,
        retry_delay: float = 0.5,
        overall_max_rate: float = 30,
    ) -> None:
        self.settings = settings
        self.program = program
        self.codec = CallbackCodec(program)
        self.flood = flood or FloodGuard()
        self.retry_delay = retry_delay
        self.overall_max_rate = overall_max_rate  # Telegram's limit: about 30 messages a second (0: none)
        self._service: ChatService | None = None
        self.files = AiohttpRequest()  # the Bot API's requests, and file downloads counted as they stream
        self._requests = (self.files, AiohttpRequest(pool_size=1))

    @property
    def service(self) -> ChatService:
        """Return the open chat service (opened in post_init)."""
        if self._service is None:
            raise RuntimeError("the store is not open yet")
        return self._service

    def text(self, template: str, **variables: object) -> str:
        """Render one of the adapter's own templates."""
        return self.program.content.templates.render(template, variables)

    def build(self) -> Application:  # type: ignore[type-arg]
        """Build the Application: rate limiter, per-chat ordering, handlers, and store lifecycle hooks."""
        builder = (
            ApplicationBuilder()
            .token(self.settings.telegram_token or "")
            .request(self._requests[0])
            .get_updates_request(self._requests[1])
            .rate_limiter(AIORateLimiter(overall_max_rate=self.overall_max_rate, max_retries=3))
            .concurrent_updates(PerChatUpdateProcessor())
            .post_init(self._post_init)
            .post_shutdown(self._post_shutdown)
        )
        if base := self.settings.telegram_api_base_url:
            builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
        app = builder.build()
        app.add_handler(MessageHandler(filters.UpdateType.EDITED, self.on_edited))
        app.add_handler(MessageHandler(~filters.ChatType.PRIVATE, self.on_group))
        app.add_handler(MessageHandler(filters.ChatType.PRIVATE, self.on_message))
        app.add_handler(CallbackQueryHandler(self.on_callback))
        app.add_handler(ChatMemberHandler(self.on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_error_handler(self.on_error)
        return app

    async def _post_init(self, app: Application) -> None:  # type: ignore[type-arg]
        self._service = await ChatService.open(self.settings, self.program)
        await self.service.forget_old_updates()
        flow_commands = sorted(self.program.commands, key=lambda name: (name in PRIVACY_COMMANDS, name != "note"))
        names = [*MENU_COMMANDS, *flow_commands, *(c for c in PRIVACY_COMMANDS if c not in self.program.commands)]
        commands = [BotCommand(name, self.text(f"command.{name}")) for name in names]
        try:
            await app.bot.set_my_commands(commands)
        except TelegramError as error:
            raise Fatal(Exit.REFUSED, f"Telegram refused setMyCommands ({type(error).__name__}: {error})") from None

    async def _post_shutdown(self, app: Application) -> None:  # type: ignore[type-arg]
        """Close the store and the HTTP sessions (also after a start that failed half-way)."""
        for request in self._requests:
            await request.shutdown()
        if self._service is not None:
            await self._service.close()
            self._service = None

    # Handlers -----------------------------------------------------------------

    async def on_message(self, update: Update, context: Context) -> None:
        """Handle a message in a private chat."""
        message, user = update.message, update.effective_user
        if message is None or user is None or await self._seen(update):
            return
        text = message.text or message.caption or ""
        if not await self._admit(user.id, message.chat_id, context, text, message.date.timestamp()):
            return
        event = event_for(message)
        await self._run(update, user.id, message.chat_id, event, context, message)

    async def on_callback(self, update: Update, context: Context) -> None:
        """Handle a button press: always answer the query, then treat it like any other event."""
        query, user, chat = update.callback_query, update.effective_user, update.effective_chat
        if query is None:
            return
        # Answered beside the turn, not before it: the reply need not wait for the button's spinner to stop.
        context.application.create_task(quietly(answer_query(context.bot, query.id)), update=update)
        if user is None or chat is None or chat.type != ChatType.PRIVATE or await self._seen(update):
            return
        if await self._admit(user.id, chat.id, context):
            await self._run(update, user.id, chat.id, self.codec.decode(query.data), context)

    async def on_edited(self, update: Update, context: Context) -> None:
        """Offer a changed note message as a correction of that note (which keeps what was first sent)."""
        chat, user, message = update.effective_chat, update.effective_user, update.edited_message
        if chat is None or user is None or message is None or chat.type != ChatType.PRIVATE or await self._seen(update):
            return
        if await self._admit(user.id, chat.id, context):
            said = parse_text(message.text or message.caption or "")
            event = Edited(said.argument if isinstance(said, Command) else said.text, _origin(message))
            await self._run(update, user.id, chat.id, event, context)

    async def on_group(self, update: Update, context: Context) -> None:
        """Say the bot is for private chats only, then leave the group or channel."""
        chat = update.effective_chat
        if chat is None:
            return
        if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
            await quietly(context.bot.send_message(chat.id, self.text("telegram.private_only")))
        await quietly(context.bot.leave_chat(chat.id))

    async def on_membership(self, update: Update, context: Context) -> None:
        """Leave any group or channel the bot is added to."""
        member = update.my_chat_member
        if (
            member
            and member.chat.type != ChatType.PRIVATE
            and member.new_chat_member.status in ("member", "administrator")
        ):
            await self.on_group(update, context)

    async def on_error(self, update: object, context: Context) -> None:
        """Log the error's kind only (never text, ids, the token or file URLs), and tell the person."""
        log.error("error while handling an update: %s", type(context.error).__name__)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None and chat.type == ChatType.PRIVATE:
            await quietly(context.bot.send_message(chat.id, self.text("telegram.error")))

    # Turns --------------------------------------------------------------------

    def _fetcher(self, context: Context) -> Callable[[str], Awaitable[bytes]]:
        async def fetch(file_id: str) -> bytes:
            try:
                file = await context.bot.get_file(file_id)
                if too_big(file.file_size):  # as Telegram declares it: refused before a byte is downloaded
                    raise EvidenceUnavailable("too_big")
                return await self.files.download(file.file_path or "", MAX_BYTES)  # and counted as it comes
            except TelegramError as error:
                log.warning("could not download a file: %s", type(error).__name__)
                raise EvidenceUnavailable("unavailable") from None

        return fetch

    async def _seen(self, update: Update) -> bool:
        """Tell whether this update was handled before: a redelivery neither counts nor gets a reply."""
        return await self.service.seen(_update_ref(update))

    async def _admit(
        self, user_id: int, chat_id: int, context: Context, text: str = "", sent_at: float | None = None
    ) -> bool:
        """Apply the flood limit by when messages were sent; emergency words always get through."""
        verdict = self.flood.check(self.service.pseudonym(PLATFORM, user_id), sent_at)
        if verdict is not Verdict.ALLOW and text and self.program.is_emergency(text):
            return True
        if verdict is Verdict.WARN:
            await self._send(context, user_id, chat_id, [self.text("telegram.flood")])
        return verdict is Verdict.ALLOW

    async def _run(
        self, update: Update, user_id: int, chat_id: int, event: Event, context: Context, message: Message | None = None
    ) -> None:
        outputs = await self.service.handle(
            PLATFORM,
            user_id,
            event,
            update_ref=_update_ref(update),
            fetch=self._fetcher(context),
            origin=_origin(message) if message else None,
            message=(message.message_id, message.date) if message else None,  # kept with the turn, for clearing
        )
        if outputs is None:
            return  # this update was handled before: it changes nothing and sends nothing
        before = ""
        for action in (o for o in outputs if isinstance(o, PlatformAction) and o.name in ("clear", "exit")):
            before = await self._perform(action.name, user_id, chat_id, context)  # a forget keeps nothing here
        if PlatformAction("exit") in outputs:
            await self._send(context, user_id, chat_id, [before])
            return
        await self._send(context, user_id, chat_id, reply_texts(outputs, before), outputs)
        for document in (o for o in outputs if isinstance(o, Document)):
            await self._send_document(context, user_id, chat_id, document)

    async def _perform(self, action: str, user_id: int, chat_id: int, context: Context) -> str:
        removed, kept = await self._clear_chat(user_id, chat_id, context)
        if action == "exit":
            await self.service.handle(PLATFORM, user_id, parse_text("/start"))  # start afresh next time
            return self.text("telegram.exit")
        return self.text("telegram.cleared", removed=removed, kept=kept)

    async def _clear_chat(self, user_id: int, chat_id: int, context: Context) -> tuple[int, int]:
        """Delete every tracked message young enough to delete; return (removed, too old to remove)."""
        tracked = await self.service.remembered_messages(PLATFORM, user_id)
        cutoff = datetime.now(UTC) - DELETE_WINDOW
        young = [message_id for message_id, sent in tracked if sent >= cutoff]
        removed = 0
        for start in range(0, len(young), DELETE_BATCH):
            batch = young[start : start + DELETE_BATCH]
            if await quietly(context.bot.delete_messages(chat_id, batch)):
                removed += len(batch)
        await self.service.forget_messages(PLATFORM, user_id, [message_id for message_id, _ in tracked])
        return removed, len(tracked) - len(young)

    async def _send(
        self, context: Context, user_id: int, chat_id: int, texts: Sequence[str], outputs: Sequence[Output] = ()
    ) -> None:
        markup = keyboard(outputs, self.codec)
        protect = is_sensitive(outputs)
        texts = [t for t in texts if t.strip()] or ([self.text("system.pick_one")] if markup else [])
        sent = []
        for index, text in enumerate(texts):
            last = index == len(texts) - 1
            sent.append(
                await retrying(
                    lambda text=text, last=last: send_message(  # type: ignore[misc]
                        context.bot, chat_id, text, markup if last else None, protect
                    ),
                    self.retry_delay,
                )
            )
        # Kept beside the turn, not in its way: the person has the reply, and stop() waits for this commit.
        context.application.create_task(self.service.remember_messages(PLATFORM, user_id, sent))

    async def _send_document(self, context: Context, user_id: int, chat_id: int, document: Document) -> None:
        """Send a file to keep; not protected, so the person can pass it to the police or an advocate."""
        data = await document.content()
        message = await retrying(
            lambda: context.bot.send_document(chat_id, data, filename=document.filename), self.retry_delay
        )
        await self.service.remember_messages(PLATFORM, user_id, [(message.message_id, message.date)])


def _origin(message: Message) -> str:
    """Name a message the person sent: the same before and after they edit it."""
    return f"{PLATFORM}:{message.chat_id}:{message.message_id}"


def _update_ref(update: Update) -> str:
    return f"{PLATFORM}:{update.update_id}"


def webhook_path(settings: Settings) -> str:
    """Return the local path the webhook listens on: the path of the public webhook URL."""
    return urlparse(settings.webhook_url or "").path.strip("/")
