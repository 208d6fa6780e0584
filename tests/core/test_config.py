"""Settings read from the environment, with the names operators use."""

from __future__ import annotations

import pytest

from bot import wiring
from bot.config import ROOT, Settings


def test_names_and_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("STAFF_CHAT_ID", "-1001234")
    monkeypatch.setenv("STAFF_USER_IDS", "11, 22;33")
    monkeypatch.setenv("CLOSED_WEEKDAYS", "sabtu,minggu")
    monkeypatch.setenv("BOOKING_LEAD_DAYS", "3")
    settings = Settings(_env_file=None)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "123:abc"
    assert settings.staff_chat_id == -1001234
    assert settings.staff_user_ids == [11, 22, 33]
    assert settings.closed_weekdays == frozenset({5, 6})
    assert settings.booking_lead_days == 3


def test_empty_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    monkeypatch.setenv("STAFF_CHAT_ID", "")
    settings = Settings(_env_file=None)
    assert settings.telegram_bot_token is None
    assert settings.staff_chat_id is None


def test_unknown_time_zone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VENUE_TIMEZONE", "Asia/Nowhere")
    with pytest.raises(ValueError, match="Nowhere"):
        Settings(_env_file=None)


def test_business_hours() -> None:
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from bot.core.flows.handoff import BusinessHours

    hours = BusinessHours(frozenset({0, 1, 2, 3, 4}), time(8), time(16))
    wib = ZoneInfo("Asia/Jakarta")
    assert hours.describe() == "Senin–Jumat 08.00–16.00"
    assert hours.open_at(datetime(2026, 11, 23, 9, tzinfo=wib))  # Monday morning
    assert not hours.open_at(datetime(2026, 11, 23, 16, tzinfo=wib))
    assert not hours.open_at(datetime(2026, 11, 29, 10, tzinfo=wib))  # Sunday


def test_bad_business_hours_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUSINESS_HOURS", "16:00-08:00")
    with pytest.raises(ValueError, match="BUSINESS_HOURS"):
        Settings(_env_file=None)


def test_every_setting_is_documented_in_env_example_and_readme() -> None:
    documented = (ROOT / ".env.example").read_text() + (ROOT / "README.md").read_text()
    missing = [name.upper() for name in Settings.model_fields if name.upper() not in documented]
    assert missing == []


def test_whatsapp_names_and_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "WHATSAPP_ACCESS_TOKEN": "EAAG-token",
        "WHATSAPP_PHONE_NUMBER_ID": "1098765432",
        "WHATSAPP_APP_SECRET": "s3cret",
        "WHATSAPP_VERIFY_TOKEN": "verify-me",
        "WHATSAPP_API_BASE": "http://127.0.0.1:9999",
        "WHATSAPP_API_VERSION": "v20.0",
        "WHATSAPP_TEMPLATE_AGENDA": "agenda_harian",
        "WHATSAPP_TEMPLATE_STAFF_REPLY": "balasan_petugas",
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    assert settings.whatsapp_api_base == "http://127.0.0.1:9999"
    assert settings.whatsapp_api_version == "v20.0"
    assert settings.whatsapp_templates() == {
        "agenda": "agenda_harian",
        "staff_reply": "balasan_petugas",
    }


def test_a_whatsapp_token_without_the_rest_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAAG-token")
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "1098765432")
    with pytest.raises(ValueError, match="WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN"):
        Settings(_env_file=None)


def test_no_group_larger_than_a_day_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found in the console (a school of 64 with the defaults, 100 a group and 60 a day): the
    group was taken, and then every period was "sudah penuh" with no day to offer. The group
    limit the form asks within is what a day can take."""
    settings = Settings(_env_file=None)
    service = wiring.booking_service(settings, None, wiring.Clock(settings))  # type: ignore[arg-type]
    assert service.rules.max_participants == settings.daily_capacity_participants == 60
    monkeypatch.setenv("BOOKING_MAX_PARTICIPANTS", "40")
    smaller = Settings(_env_file=None)
    assert (
        wiring.booking_service(smaller, None, wiring.Clock(smaller)).rules.max_participants == 40
    )  # type: ignore[arg-type]
