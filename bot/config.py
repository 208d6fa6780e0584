"""Settings: read once from the environment (and `.env`), then passed down explicitly.

The variable names are an interface: operators' scripts and test harnesses set them, so a
renamed field is a breaking change. `.env.example` lists them all.
"""

from __future__ import annotations

import contextlib
from datetime import time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.core.visits import load_agenda_template, usual_hours

ROOT = Path(__file__).resolve().parent.parent
WEEKDAY_NAMES = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")


class Settings(BaseSettings):
    """Every setting of the bot; the field name upper-cased is the environment variable."""

    # An empty variable (TELEGRAM_BOT_TOKEN= in .env) counts as unset, not as an empty value.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    # Public HTTPS URL of /webhooks/telegram; when set the bot uses a webhook, else long polling.
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None

    # WhatsApp Cloud API: the channel is on when the access token is set.
    whatsapp_access_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: SecretStr | None = None  # checks X-Hub-Signature-256 of the webhook
    whatsapp_verify_token: SecretStr | None = None  # echoed in Meta's GET verification
    whatsapp_api_base: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v21.0"
    # Approved template names for messages outside the 24-hour window (body with one {{1}}).
    whatsapp_template_agenda: str | None = None
    whatsapp_template_reminder: str | None = None
    whatsapp_template_feedback: str | None = None
    whatsapp_template_booking: str | None = None
    whatsapp_template_staff_reply: str | None = None
    whatsapp_template_language: str = "id"
    whatsapp_rate_per_second: float = Field(default=80, gt=0)

    database_url: str = f"sqlite+aiosqlite:///{ROOT / 'kunjungan.sqlite3'}"

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: SecretStr | None = None
    rasa_timeout: float = Field(default=3.0, gt=0)
    rasa_retries: int = Field(default=1, ge=0)
    nlu_cache_size: int = Field(default=4096, ge=0)

    staff_chat_id: int | None = None
    staff_user_ids: Annotated[list[int], NoDecode] = []

    venue_timezone: str = "Asia/Jakarta"
    venue_address: str | None = None

    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # Where staff reach the web desk (/desk), e.g. https://kunjungan.bmigrup.id behind the
    # operator's HTTPS proxy; login links are built from it. Unset: no desk.
    desk_public_url: str | None = None
    # Key of the desk's session cookies (any long random string; the same in every process).
    # Unset: derived from TELEGRAM_BOT_TOKEN.
    desk_secret_key: SecretStr | None = None
    # The bot's public address (certificates' QR codes open PUBLIC_URL/verify/<code>); unset:
    # DESK_PUBLIC_URL.
    public_url: str | None = None
    # Letterhead, signatories, number patterns (host.yml) and the document templates.
    documents_dir: Path = ROOT / "data" / "documents"

    booking_lead_days: int = Field(default=7, ge=0)
    booking_max_participants: int = Field(default=100, ge=1)
    daily_capacity_delegations: int = Field(default=2, ge=1)
    daily_capacity_participants: int = Field(default=60, ge=1)
    # Days without visits: 0 = Monday … 6 = Sunday, or Indonesian day names, comma-separated.
    closed_weekdays: Annotated[frozenset[int], NoDecode] = frozenset({6})
    holidays_file: Path = ROOT / "data" / "holidays.yml"
    # Pending requests hold their capacity this long, then expire.
    booking_pending_expiry_days: int = Field(default=3, ge=1)
    # What one user may hold at once (staff in STAFF_USER_IDS book without limits): pending
    # requests, and approved visits still to come.
    booking_max_pending_per_user: int = Field(default=1, ge=1)
    booking_max_active_per_user: int = Field(default=3, ge=1)

    # Abuse limits per user: messages answered per minute (more are stored, not answered), and
    # wrong booking or invite codes per hour before the user is asked to wait.
    user_messages_per_minute: int = Field(default=20, ge=1)
    code_attempts_per_hour: int = Field(default=5, ge=1)
    # Transcript lines older than this are deleted, and finished visits' phone numbers
    # anonymised, by a daily job.
    transcript_retention_days: int = Field(default=365, ge=1)

    # Venue-local times of the daily agenda push and of the reminder the evening before day 1.
    agenda_push_time: time = time(6, 0)
    reminder_time: time = time(18, 0)
    # Venue-local time on the last visit day when participants are thanked and asked a rating.
    feedback_time: time = time(16, 0)
    agenda_file: Path = ROOT / "data" / "agenda.yml"
    # How late a push may still go out after downtime (APScheduler misfire grace).
    scheduler_misfire_grace_seconds: int = Field(default=6 * 3600, ge=1)
    # Proactive sends per second over all chats (Telegram allows about 30).
    push_rate_per_second: float = Field(default=25, gt=0)
    # All Telegram sends per second (Telegram allows about 30); each chat is paced on its own.
    telegram_rate_per_second: float = Field(default=30, gt=0)

    # When staff answer handoffs (venue-local): days as in CLOSED_WEEKDAYS, then the hours.
    business_days: Annotated[frozenset[int], NoDecode] = frozenset({0, 1, 2, 3, 4})
    business_hours: str = "08:00-16:00"
    canned_file: Path = ROOT / "data" / "canned.yml"
    # A handoff with no message for this long goes back to the bot; one unanswered this long
    # (in business hours) is announced to staff again.
    handoff_idle_minutes: int = Field(default=120, ge=1)
    handoff_sla_minutes: int = Field(default=15, ge=1)

    knowledge_dir: Path = ROOT / "data" / "knowledge"
    messages_file: Path = ROOT / "data" / "messages" / "id.yml"

    # Default: INFO for Telegram, WARNING for the console chat (logs would clutter it).
    log_level: str | None = None

    @field_validator("staff_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("closed_weekdays", "business_days", mode="before")
    @classmethod
    def _weekdays(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        names = {name: index for index, name in enumerate(WEEKDAY_NAMES)}
        parts = [part.strip().lower() for part in value.split(",") if part.strip()]
        return frozenset(int(part) if part.isdecimal() else names[part] for part in parts)

    @field_validator("business_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        opens, _, closes = value.partition("-")
        if not closes or time.fromisoformat(opens.strip()) >= time.fromisoformat(closes.strip()):
            raise ValueError("BUSINESS_HOURS must look like 08:00-16:00")
        return value

    @field_validator("venue_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:  # at start-up, not mid-conversation
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @model_validator(mode="after")
    def _whatsapp_complete(self) -> Settings:
        if self.whatsapp_access_token is not None:
            missing = [
                name.upper()
                for name in (
                    "whatsapp_phone_number_id",
                    "whatsapp_app_secret",
                    "whatsapp_verify_token",
                )
                if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(
                    "WHATSAPP_ACCESS_TOKEN is set, so the WhatsApp channel also needs "
                    + ", ".join(missing)
                )
        return self

    def whatsapp_templates(self) -> dict[str, str]:
        """Tag -> approved template name, for the tags that have one."""
        prefix = "whatsapp_template_"
        return {
            name.removeprefix(prefix): value
            for name, value in self.model_dump().items()
            if name.startswith(prefix) and name != prefix + "language" and value
        }

    @property
    def group_limit(self) -> int:
        """The largest group the form takes: `BOOKING_MAX_PARTICIPANTS`, never more than a
        day takes (a larger group could never be given a day: "sudah penuh" for ever)."""
        return min(self.booking_max_participants, self.daily_capacity_participants)

    def answer_rules(self) -> dict[str, object]:
        """The booking rules the visit answers in data/knowledge may name ("paling lambat
        {lead_days} hari"), so an answer and the form never disagree; and the hours of a
        visit's days in the default agenda ("mulai pukul {day_starts}"), for the same reason."""
        return {
            "lead_days": self.booking_lead_days,
            "max_participants": self.group_limit,
            **usual_hours(load_agenda_template(self.agenda_file)),
        }

    def secret_values(self) -> list[str]:
        """Every secret's value (tokens, app secret, the database password), for redaction."""
        values = [
            value.get_secret_value()
            for value in self.__dict__.values()
            if isinstance(value, SecretStr)
        ]
        with contextlib.suppress(ArgumentError):  # not a URL: start-up will say so
            values.append(make_url(self.database_url).password or "")
        return [value for value in values if value]

    @property
    def tz(self) -> ZoneInfo:
        """The venue's time zone: what users see; the database stores UTC."""
        return ZoneInfo(self.venue_timezone)
