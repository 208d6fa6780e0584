"""`StateStore` in SQL: conversation state survives restarts and is shared by bot processes.

Each message costs two transactions: the incoming line is written to the transcript as the
state is read, in one statement (so what the user sent is kept even if handling it fails),
and the new state is saved with the replies' lines. SQLAlchemy Core on a connection: this is
every message's path, where the ORM's session machinery would cost more than the statements.
Reading the state also tells whether the chat has a handoff open (an `EXISTS` beside it), so
the engine looks the handoff up only when there is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    String,
    Table,
    Text,
    bindparam,
    exists,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.handoff import OPEN_STATUSES
from bot.core.state import ConversationState
from bot.db.models import Conversation, Escalation, utcnow
from bot.db.session import insert_for
from bot.db.transcript import INSERT, MAX_LINE, line
from bot.db.writer import transactions_for

CONVERSATIONS: Table = Conversation.__table__  # type: ignore[assignment]
ESCALATIONS: Table = Escalation.__table__  # type: ignore[assignment]


class SqlStateStore:
    """One row per (channel, chat), the state as JSON, written with an upsert.

    The statements are built once, with bound parameters: building SQL expressions on every
    message cost more CPU than running them. Reading the state returns it from the INSERT of
    the transcript line (a subquery in RETURNING): one statement, not two. On SQLite the
    transactions run on a writer thread of their own (`bot.db.writer`); `close` lets it go.
    """

    def __init__(self, database: AsyncEngine) -> None:
        self._transactions = transactions_for(database)
        state = select(CONVERSATIONS.c.state).where(
            CONVERSATIONS.c.channel == bindparam("of_channel"),
            CONVERSATIONS.c.chat_id == bindparam("of_chat_id"),
        )
        staffed = exists().where(
            ESCALATIONS.c.channel == bindparam("of_channel"),
            ESCALATIONS.c.chat_id == bindparam("handoffs_of"),
            ESCALATIONS.c.status.in_([str(status) for status in OPEN_STATUSES]),
        )
        self._receive = INSERT.returning(state.scalar_subquery(), staffed)
        insert = insert_for(database.dialect.name)(CONVERSATIONS).values(
            {column: bindparam(column) for column in ("channel", "chat_id", "state", "updated_at")}
        )
        self._upsert = insert.on_conflict_do_update(
            index_elements=[CONVERSATIONS.c.channel, CONVERSATIONS.c.chat_id],
            set_={"state": insert.excluded.state, "updated_at": insert.excluded.updated_at},
        )
        # PostgreSQL: the state and the replies' lines in one statement (the upsert in a WITH,
        # the lines from an array), one round trip instead of four. SQLite cannot put an
        # INSERT in a WITH; its writer thread makes the transaction one trip anyway.
        self._save_all = (
            _with_lines(self._upsert) if database.dialect.name == "postgresql" else None
        )

    async def receive(
        self, channel: str, chat_id: str, received: str, *, handoffs_of: str | None = None
    ) -> ConversationState:
        params = {
            **line(channel, chat_id, "in", received, utcnow()),
            "of_channel": channel,
            "of_chat_id": chat_id,
            "handoffs_of": handoffs_of or chat_id,
        }
        stored, staffed = await self._transactions.run_alone(partial(_one, self._receive, params))
        state = ConversationState.from_json(stored)
        state.staffed = bool(staffed)
        return state

    async def save(
        self, channel: str, chat_id: str, state: ConversationState, sent: Sequence[str]
    ) -> None:
        at = utcnow()
        row = {"channel": channel, "chat_id": chat_id, "state": state.to_json(), "updated_at": at}
        if self._save_all is not None:
            params = {**row, "texts": [text[:MAX_LINE] for text in sent]}
            await self._transactions.run_alone(partial(_execute, self._save_all, params))
            return
        lines = [line(channel, chat_id, "out", text, at) for text in sent]
        await self._transactions.run(partial(self._save, row, lines))

    def _save(
        self, row: dict[str, Any], lines: list[dict[str, Any]], connection: Connection
    ) -> None:
        connection.execute(self._upsert, row)
        if lines:  # one statement for all of a message's replies
            connection.execute(INSERT, lines)

    async def close(self) -> None:
        """Release what the store holds of its own (SQLite's writer thread)."""
        await self._transactions.close()


def _one(statement: Any, params: dict[str, Any], connection: Connection) -> Any:
    return connection.execute(statement, params).one()


def _execute(statement: Any, params: dict[str, Any], connection: Connection) -> None:
    connection.execute(statement, params)


def _with_lines(upsert: Any) -> Any:
    """`WITH saved AS (upsert) INSERT INTO transcript … FROM unnest(:texts)`: the bot's lines
    of one message ("out", the chat's, the same instant) in order, any number, zero included."""
    texts = (
        func.unnest(bindparam("texts", type_=ARRAY(Text)))
        .table_valued("text", with_ordinality="n")
        .render_derived()
    )
    at = bindparam("updated_at", type_=DateTime(timezone=True))
    chat = bindparam("channel", type_=String), bindparam("chat_id", type_=String)
    rows = select(*chat, literal_column("'out'"), texts.c.text, at).order_by(texts.c.n)
    columns = ["channel", "chat_id", "direction", "text", "at"]
    return INSERT.from_select(columns, rows).add_cte(upsert.cte("saved"))
