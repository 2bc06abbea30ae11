"""Workflow decisions of the load scenarios: which status comes next, which card to move, what a
409 leads to. The statuses and allowed transitions are the service's own (GET /api/admin/workflow,
read at test start); a scenario only chooses which allowed steps it walks. Plain functions without
I/O or Locust, so the unit tests pin them down."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Optional

# The shop's scenario walks the happy path; completed and no_show have no next status.
SHOP_WALK = {"scheduled": "in_progress", "in_progress": "ready", "ready": "completed"}
# Contention must never run out of moves, and completed is terminal, so it cycles between
# in_progress and ready.
CONTENTION_WALK = {"scheduled": "in_progress", "in_progress": "ready", "ready": "in_progress"}

NextStatus = Callable[[str], Optional[str]]


class WorkflowError(ValueError):
    """The service's workflow does not allow a step the scenario walks, or is not a workflow."""


def scenario_walk(scenario: str) -> Mapping[str, str]:
    return CONTENTION_WALK if scenario == "contention" else SHOP_WALK


def walk_on(workflow: object, walk: Mapping[str, str]) -> NextStatus:
    """The walk as a next-status function, once every step of it is checked against the service's
    workflow (`data` of GET /api/admin/workflow: {statuses: [...], transitions: {from: [to...]}})."""
    transitions = workflow.get("transitions") if isinstance(workflow, dict) else None
    if not isinstance(transitions, dict) or not isinstance(workflow.get("statuses"), list):
        raise WorkflowError(f"GET /api/admin/workflow answered no {{statuses, transitions}} table: {workflow!r}")
    refused = [f"{source} → {target}" for source, target in walk.items()
               if not isinstance(transitions.get(source), list) or target not in transitions[source]]
    if refused:
        raise WorkflowError(f"the service's workflow (GET /api/admin/workflow) does not allow {', '.join(refused)}, "
                            "which this scenario walks")
    return lambda status: walk.get(status)


def board_cards(board_data: dict) -> list[dict]:
    """Every card of a board answer's `data`, from every column."""
    return [card for column in board_data["columns"].values() for card in column["items"]]


def cards_of_run(cards: Iterable[dict], seeded_ids: frozenset[str]) -> list[dict]:
    """Only the cards this run seeded, so other runs' or real cards on the date are never moved."""
    return [card for card in cards if card["id"] in seeded_ids]


def pick_card(cards: list[dict], rng: random.Random, next_fn: NextStatus) -> Optional[dict]:
    """A card chosen uniformly among those that still have a next status (uniform spreads the
    users over the cards, so conflicts stay rare); None when no card can move."""
    movable = [card for card in cards if next_fn(card["status"]) is not None]
    return rng.choice(movable) if movable else None


@dataclass(frozen=True)
class Retry:
    """After a 409: move the refetched card once more, from its fresh version."""

    new_status: str
    expected_version: int


def after_conflict(fresh_card: dict, next_fn: NextStatus) -> Optional[Retry]:
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
