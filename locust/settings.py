"""The scenarios' configuration from the environment (the same variables as the k6 scripts) and
the cards setup seeds. `python settings.py SCENARIO` prints the resolved users and seconds for
run.sh, or one sentence naming the bad variable and exit status 2."""
from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Mapping, Optional

SCENARIOS = ("move", "mix", "contention", "smoke", "rate")
PROFILES = ("shop", "local")
DEFAULT_USERS = {"move": 20, "mix": 20, "contention": 20, "smoke": 5, "rate": 20}
DEFAULT_SECONDS = {"move": 60, "mix": 60, "contention": 30, "smoke": 10, "rate": 60}
# Pause after each iteration; contention has none so the users collide as often as possible, and
# rate paces its users to RATE iterations per second in all instead.
PAUSE_SECONDS = {"move": 0.5, "mix": 0.5, "contention": 0.0, "smoke": 0.5, "rate": 0.0}
DEFAULT_RATE = 20
# Share of iterations that move a card (mix reads 70 % of the time).
MOVE_SHARE = {"move": 1.0, "mix": 0.3, "smoke": 1.0, "rate": 1.0}
CONTENTION_CARDS = 3
MOVES_PER_CARD = 3  # scheduled → in_progress → ready → completed
CARD_MARGIN = 1.25
# An arrival rate keeps moving to the end, so it gets twice the cards its moves need: fewer users
# meet on the last movable cards.
RATE_CARD_MARGIN = 2.0
# Seeded appointments start at 08:00 UTC plus one second per card and must stay on DATE.
FIRST_START = timedelta(hours=8)
MAX_CARDS = 50_000
DEFAULT_DATE = "2031-01-15"
DEFAULT_BASE_URL = "http://127.0.0.1:8080"


class SettingsError(ValueError):
    """A bad environment variable; the message names it."""


@dataclass(frozen=True)
class Settings:
    scenario: str
    profile: str
    base_url: str
    token: Optional[str]
    admin_token: Optional[str]  # sent on the cleanup's deletes instead of token
    date: str
    users: int
    seconds: int
    rate: int  # iterations per second in all (rate only)
    cards: int

    @property
    def pause_seconds(self) -> float:
        return PAUSE_SECONDS[self.scenario]


def parse_duration(text: str) -> int:
    """Whole seconds from `60`, or k6 style `60s`, `2m`, `1m30s`, `1h`; at least 1 s."""
    match = re.fullmatch(r"(\d+)|(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text)
    if not text or match is None:
        raise SettingsError(f"DURATION must be seconds or k6 style like 60s, 2m, 1m30s, got '{text}'")
    plain, hours, minutes, seconds = match.groups()
    total = int(plain) if plain is not None else (
        int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0))
    if total < 1:
        raise SettingsError(f"DURATION must be at least 1 second, got '{text}'")
    return total


def default_cards(scenario: str, users: int, seconds: int, rate: int = DEFAULT_RATE) -> int:
    """Enough cards that the run cannot run out of movable ones: each user moves at most once per
    pause, each card takes three moves to complete, plus a 25 % margin; rate: RATE moves per second
    in all, with twice the cards they need. Contention fights over 3."""
    if scenario == "contention":
        return CONTENTION_CARDS
    if scenario == "rate":
        return math.ceil(rate * seconds / MOVES_PER_CARD * RATE_CARD_MARGIN)
    moves = users * seconds / PAUSE_SECONDS[scenario] * MOVE_SHARE[scenario]
    return math.ceil(moves / MOVES_PER_CARD * CARD_MARGIN)


def _positive_int(env: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"\d+", raw) or not 1 <= int(raw) <= maximum:
        raise SettingsError(f"{name} must be an integer between 1 and {maximum}, got '{raw}'")
    return int(raw)


def from_env(scenario: str, env: Mapping[str, str]) -> Settings:
    if scenario not in SCENARIOS:
        raise SettingsError(f"scenario must be one of {', '.join(SCENARIOS)}, got '{scenario}'")
    base_url = env.get("BASE_URL", "").strip() or DEFAULT_BASE_URL
    if not re.fullmatch(r"https?://[^/\s]+", base_url.rstrip("/")):
        raise SettingsError(f"BASE_URL must look like http://host:port, got '{base_url}'")
    day = env.get("DATE", "").strip() or DEFAULT_DATE
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise ValueError
        date.fromisoformat(day)
    except ValueError:
        raise SettingsError(f"DATE must be a day as YYYY-MM-DD, got '{day}'") from None
    profile = env.get("PROFILE", "").strip() or "shop"
    if profile not in PROFILES:
        raise SettingsError(f"PROFILE must be one of {', '.join(PROFILES)}, got '{profile}'")
    users = _positive_int(env, "VUS", DEFAULT_USERS[scenario], 10_000)
    raw_duration = env.get("DURATION", "").strip()
    seconds = parse_duration(raw_duration) if raw_duration else DEFAULT_SECONDS[scenario]
    rate = _positive_int(env, "RATE", DEFAULT_RATE, 10_000)
    cards = _positive_int(env, "CARDS", default_cards(scenario, users, seconds, rate), MAX_CARDS)
    if cards > MAX_CARDS:
        raise SettingsError(
            f"CARDS computed from VUS, DURATION and RATE is {cards}, above {MAX_CARDS}; set CARDS or lower them")
    token = env.get("TOKEN", "").strip() or None
    admin_token = env.get("ADMIN_TOKEN", "").strip() or None
    return Settings(scenario, profile, base_url.rstrip("/"), token, admin_token, day, users, seconds, rate, cards)


def seed_body(day: str, index: int, run_tag: str) -> dict:
    """The create body of the index-th card of a run: an inline customer and vehicle, one hour from
    08:00 UTC on day plus index seconds, named after the run so it can be found in the database."""
    start = datetime.fromisoformat(day).replace(tzinfo=timezone.utc) + FIRST_START + timedelta(seconds=index)
    end = start + timedelta(hours=1)
    return {
        "appt_start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "appt_end": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "customer": {"name": f"Load test {run_tag} #{index}"},
        "vehicle": {"make": "Loadtest", "model": "Locust", "year": 2020},
        "notes": f"locust run {run_tag}",
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: python settings.py {'|'.join(SCENARIOS)}")
    try:
        resolved = from_env(sys.argv[1], os.environ)
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        sys.exit(2)
    print(resolved.users, resolved.seconds, resolved.cards)
