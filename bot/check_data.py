"""`python -m bot --check-data`: what the operator still has to fill in before going live.

Facts the two source articles do not give (cost, address, hours, lodging…) are the operator's
data. Until they are filled in the bot says petugas will confirm them and never states them;
this lists each one with the file or setting where it lives.
"""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType

from bot.config import ROOT, Settings
from bot.core.knowledge import load_knowledge
from bot.documents.host import load_host
from bot.holidays import closed_days, years_covered

FILES = MappingProxyType(
    {
        "program": "data/knowledge/programs.yml",
        "visit": "data/knowledge/visit.yml",
        "profile": "data/knowledge/profile.yml",
        "contacts": "data/knowledge/contacts.yml",
        "location": "data/knowledge/location.yml",
    }
)


def missing(settings: Settings) -> list[str]:
    """Every fact or setting still empty, as "where: what"."""
    knowledge = load_knowledge(
        settings.knowledge_dir, settings.venue_address, settings.answer_rules()
    )
    found = [f"{_file_of(gap)}: {gap}" for gap in knowledge.placeholders()]
    host_file = settings.documents_dir / "host.yml"
    shown = host_file.relative_to(ROOT) if host_file.is_relative_to(ROOT) else host_file
    found += [
        f"{shown}: {name} (documents leave a blank line for it)"
        for name in load_host(host_file, knowledge).unset()
    ]
    if not (settings.public_url or settings.desk_public_url):
        found.append("PUBLIC_URL: certificates' QR codes need the bot's public address")
    if settings.staff_chat_id is None:
        found.append("STAFF_CHAT_ID: the staff group (requests, handoffs) is not set")
    if not settings.staff_user_ids:
        found.append("STAFF_USER_IDS: empty, so only the staff group's administrators act")
    next_year = datetime.now(settings.tz).year + 1
    if not any(day.year == next_year for day in closed_days(settings.holidays_file)):
        found.append(
            f"{settings.holidays_file}: no holidays of {next_year} yet (lokal-id has "
            f"{', '.join(map(str, years_covered()))}; update it or add them to the file)"
        )
    if settings.whatsapp_access_token is not None:
        for tag in ("agenda", "reminder", "feedback", "booking", "staff_reply"):
            if tag not in settings.whatsapp_templates():
                found.append(f"WHATSAPP_TEMPLATE_{tag.upper()}: no approved template")
    return found


def _file_of(gap: str) -> str:
    """ "visit.cost: …" and "program jawara: …" name the knowledge file they live in."""
    section = gap.replace(".", " ").replace(":", " ").split(maxsplit=1)[0]
    return FILES.get(section, "data/knowledge")


def report(settings: Settings) -> int:
    """Print what is missing; exit code 1 while anything is, 0 when all is filled in."""
    gaps = missing(settings)
    if not gaps:
        print("Everything is filled in.")
        return 0
    print(f"Still to fill in before going live ({len(gaps)}):")
    for gap in gaps:
        print(f"  - {gap}")
    return 1
