"""The scenarios' verdict: client-side counters, the named thresholds (the k6 scripts' names) and
the contention invariant. Plain functions without I/O or Locust."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Optional


@dataclass
class Counts:
    """What the users saw, retries included."""

    moves: int = 0  # move requests sent
    moved: int = 0  # moves answered 200
    conflicts: int = 0  # moves answered 409 version_conflict
    recovered: int = 0  # conflicts followed by a 200 retry, or by a card someone else moved past
    idle: int = 0  # move iterations that found no movable card of this run

    @property
    def conflict_rate(self) -> float:
        return self.conflicts / self.moves if self.moves else 0.0


@dataclass
class Measured:
    """Everything the thresholds look at, taken from Locust's stats at quit."""

    requests: int
    failures: int  # non-2xx other than 409, and transport errors
    p95_ms: Mapping[str, Optional[float]]  # by request name; None when that name had no request
    p99_ms: Mapping[str, Optional[float]]
    counts: Counts
    invariant_violations: Optional[list[str]] = None  # None when the scenario does not check it
    setup_error: Optional[str] = None
    exceptions: int = 0  # raised in the users' own code: a scenario bug, never a pass


@dataclass(frozen=True)
class Outcome:
    name: str
    passed: bool
    detail: str


Check = Callable[[Measured], Outcome]


def _latency(name: str, percentile: int, op: str, bar_ms: float) -> Check:
    title = f"http_req_duration{{name:{name}}} p({percentile}){op}{bar_ms:g}"

    def check(m: Measured) -> Outcome:
        value = (m.p95_ms if percentile == 95 else m.p99_ms).get(name)
        if value is None:
            return Outcome(title, False, f"no '{name}' request was measured")
        passed = value < bar_ms if op == "<" else value <= bar_ms
        return Outcome(title, passed, f"measured {value:g} ms")

    return check


def _failed(m: Measured) -> Outcome:
    title = "http_req_failed rate<0.01"
    if m.requests == 0:
        return Outcome(title, False, "no request was made")
    rate = m.failures / m.requests
    return Outcome(title, rate < 0.01, f"measured {rate:.4f} ({m.failures} of {m.requests})")


def _conflict_rate(m: Measured) -> Outcome:
    title = "conflicts rate<0.10"
    if m.counts.moves == 0:
        return Outcome(title, False, "no move was made")
    c = m.counts
    return Outcome(title, c.conflict_rate < 0.10, f"measured {c.conflict_rate:.4f} ({c.conflicts} of {c.moves} moves)")


def _all_recovered(m: Measured) -> Outcome:
    c = m.counts
    return Outcome("conflicts_recovered rate==1", c.recovered == c.conflicts,
                   f"{c.recovered} of {c.conflicts} conflicts recovered")


def _invariant(m: Measured) -> Outcome:
    title = "invariant version-1 == history rows == 200 moves seen"
    if m.invariant_violations is None:
        return Outcome(title, False, "the invariant was not checked")
    if m.invariant_violations:
        return Outcome(title, False, "; ".join(m.invariant_violations))
    return Outcome(title, True, f"holds for every seeded card ({m.counts.moved} moves answered 200)")


_SHOP = [_failed, _latency("move", 95, "<", 400)]
_MOVES = [_conflict_rate, _all_recovered]
# Ours, on a local service (PROFILE=local); not under contention, where moves wait on row locks by design.
_LOCAL = [_latency("move", 95, "<=", 10), _latency("move", 99, "<=", 25)]
THRESHOLDS: dict[str, list[Check]] = {
    "move": _SHOP + _MOVES + [_invariant],
    "rate": _SHOP + _MOVES + [_invariant],
    "mix": _SHOP + _MOVES + [_latency("board", 95, "<", 400), _latency("stats", 95, "<", 400), _invariant],
    # With every user on 3 cards a retry loses most of the time by design: no conflict bars.
    "contention": _SHOP + [_invariant],
    # Runs in CI: no read-back of every card.
    "smoke": _SHOP + _MOVES,
}


def thresholds(scenario: str, profile: str) -> list[Check]:
    """The shop's bars (a healthy service meets them over the internet), and ours under PROFILE=local."""
    local = _LOCAL if profile == "local" and scenario != "contention" else []
    return THRESHOLDS[scenario] + local


def checks_invariant(scenario: str) -> bool:
    """Whether the run must read every seeded card and its history back at test stop."""
    return _invariant in THRESHOLDS[scenario]


def evaluate(scenario: str, profile: str, measured: Measured) -> list[Outcome]:
    """Every threshold of the scenario and profile, passed or not; a failed setup or an exception in
    the users' code fails the run too."""
    outcomes = [check(measured) for check in thresholds(scenario, profile)]
    if measured.exceptions:
        outcomes.insert(0, Outcome("exceptions", False, f"{measured.exceptions} raised in the users' code (see the report)"))
    if measured.setup_error is not None:
        outcomes.insert(0, Outcome("setup", False, measured.setup_error))
    return outcomes


def invariant_violations(versions: Mapping[str, int], history_rows: Mapping[str, int], moved: int) -> list[str]:
    """The contention invariant over the seeded cards: each card's version − 1 equals its number of
    history rows (no lost update), and the 200 moves the users saw add up to Σ(version − 1)."""
    violations = [
        f"card {card_id}: version {version} but {history_rows.get(card_id)} history rows"
        for card_id, version in sorted(versions.items())
        if history_rows.get(card_id) != version - 1
    ]
    total = sum(version - 1 for version in versions.values())
    if moved != total:
        violations.append(f"users saw {moved} moves answered 200 but the cards moved {total} times")
    return violations


def line(outcome: Outcome) -> str:
    """One printed line per threshold; a breach reads `FAIL threshold <name>: <what was measured>`."""
    return f"{'ok  ' if outcome.passed else 'FAIL'} threshold {outcome.name}: {outcome.detail}"
