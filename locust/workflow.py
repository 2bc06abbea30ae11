"""Workflow decisions of the load scenarios: which status comes next, which card to move, what a
409 leads to. Plain functions without I/O or Locust, so the unit tests pin them down."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

STATUSES = ("scheduled", "in_progress", "ready", "completed", "no_show")

# The happy path the shop's scenario walks; completed and no_show have no next status.
_HAPPY_PATH = {"scheduled": "in_progress", "in_progress": "ready", "ready": "completed"}
# Contention must never run out of moves, and completed is terminal, so it cycles between
# in_progress and ready (both transitions are allowed by the contract).
_CONTENTION_CYCLE = {"scheduled": "in_progress", "in_progress": "ready", "ready": "in_progress"}

NextStatus = Callable[[str], Optional[str]]


def next_status(status: str) -> Optional[str]:
    """The happy-path successor of status, or None when the card must not be moved."""
    return _HAPPY_PATH.get(status)


def next_contention_status(status: str) -> Optional[str]:
    """The contention scenario's successor: scheduled → in_progress, then in_progress ↔ ready."""
    return _CONTENTION_CYCLE.get(status)


def board_cards(board_data: dict) -> list[dict]:
    """Every card of a board answer's `data`, all five columns."""
    columns = board_data["columns"]
    return [card for status in STATUSES for card in columns[status]["items"]]


def cards_of_run(cards: Iterable[dict], seeded_ids: frozenset[str]) -> list[dict]:
    """Only the cards this run seeded, so other runs' or real cards on the date are never moved."""
    return [card for card in cards if card["id"] in seeded_ids]


def pick_card(cards: list[dict], rng: random.Random, next_fn: NextStatus = next_status) -> Optional[dict]:
    """A card chosen uniformly among those that still have a next status (uniform spreads the
    users over the cards, so conflicts stay rare); None when no card can move."""
    movable = [card for card in cards if next_fn(card["status"]) is not None]
    return rng.choice(movable) if movable else None


@dataclass(frozen=True)
class Retry:
    """After a 409: move the refetched card once more, from its fresh version."""

    new_status: str
    expected_version: int


def after_conflict(fresh_card: dict, next_fn: NextStatus = next_status) -> Optional[Retry]:
    """What a user does after a 409 and a refetch of the card: retry once with the fresh version
    if the card still has a next status; None means someone else already moved it past (the
    conflict is recovered without a retry)."""
    following = next_fn(fresh_card["status"])
    if following is None:
        return None
    return Retry(following, fresh_card["version"])


def mix_action(draw: float) -> str:
    """The mix scenario's request for a uniform draw in [0, 1): 35 % board, 35 % stats, 30 % move."""
    if not 0.0 <= draw < 1.0:
        raise ValueError(f"draw must be in [0, 1), got {draw}")
    if draw < 0.35:
        return "board"
    if draw < 0.70:
        return "stats"
    return "move"
