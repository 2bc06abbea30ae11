"""Locust glue for the shop's load scenarios (docs/load-testing.md). SCENARIO picks move, mix,
contention, smoke or rate; locust/run.sh sets it. Decisions live in workflow.py, configuration in
settings.py, answer checks in checks.py, the cleanup's in cleanup.py, thresholds and the invariant
in verdict.py: this file only does HTTP and wires Locust's events (workflow and seeding on
test_start; read-back for the invariant, then the cleanup, on test_stop; thresholds on quitting)."""
from __future__ import annotations

import json
import logging
import os
import random
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Optional
from urllib.parse import quote

import gevent.pool
import orjson
from locust import FastHttpUser, constant, constant_throughput, events, task
from locust.clients import HttpSession
from locust.runners import MasterRunner, WorkerRunner

import checks
import cleanup
import settings
import verdict
import workflow

try:
    SETTINGS = settings.from_env(os.environ.get("SCENARIO", ""), os.environ)
except settings.SettingsError as error:
    sys.exit(f"Configuration error: {error}")

REQUEST_TIMEOUT = 30  # seconds, for setup and the invariant (the users' client has its own 60 s)
# Parallel requests at setup and read-back: 1000 cards one by one would take minutes on a busy machine.
SEED_CONCURRENCY = 8
DELETE_BATCH = 20  # deletes between two looks at whether the cleanup must stop
CARDS_PATH = "/api/admin/appointments"
BOARD_PATH = f"/api/admin/appointments/board?date={SETTINGS.date}"
STATS_PATH = f"/api/admin/dashboard/stats?date={SETTINGS.date}"
log = logging.getLogger("scenario")


@dataclass
class RunState:
    """Shared by every user of this process (the runner is local: see refuse_distributed)."""

    run_tag: str = ""
    next_status: workflow.NextStatus = lambda status: None  # the scenario's walk, set at test start
    seeded_ids: list[str] = field(default_factory=list)
    counts: verdict.Counts = field(default_factory=verdict.Counts)
    invariant_violations: Optional[list[str]] = None
    setup_error: Optional[str] = None
    cleanup: Optional[cleanup.Report] = None


RUN = RunState()
MOVED, CONFLICT, ERROR = "moved", "conflict", "error"


def _short(response) -> str:
    return f"HTTP {response.status_code}: {(response.text or '')[:200]}"


def _json(response):
    # orjson, not r.json(): a board of 1000 cards is ~400 KB, and the stdlib parser's ~4 ms per
    # board on Locust's one process delayed the other users' timings.
    try:
        return orjson.loads(response.content)
    except (ValueError, TypeError):
        return None


def _checked(response, name: str):
    """The answer's JSON when it passes its check (checks.py); otherwise the request is a failure."""
    body = _json(response)
    problem = checks.failed_check(name, response.status_code, body)
    if problem is not None:
        response.failure(f"check '{problem}' failed: {_short(response)}")
        return None
    response.success()
    return body


class ShopUser(FastHttpUser):
    host = SETTINGS.base_url
    # rate: RATE iterations per second in all, each user at its share (Locust has no open-model executor).
    wait_time = (constant_throughput(SETTINGS.rate / SETTINGS.users) if SETTINGS.scenario == "rate"
                 else constant(SETTINGS.pause_seconds))
    default_headers = {"Authorization": f"Bearer {SETTINGS.token}"} if SETTINGS.token else None

    def on_start(self) -> None:
        self.rng = random.Random()
        self.seeded = frozenset(RUN.seeded_ids)
        if SETTINGS.scenario == "rate":
            # Users started together would fire together every period; spread them over it, as
            # k6's arrival rate spaces its iterations 1/RATE s apart.
            gevent.sleep(self.rng.uniform(0, SETTINGS.users / SETTINGS.rate))

    @task
    def iteration(self) -> None:
        if SETTINGS.scenario == "contention":
            self.contend()
            return
        action = workflow.mix_action(self.rng.random()) if SETTINGS.scenario == "mix" else "move"
        if action == "board":
            self.get_data(BOARD_PATH, "board")
        elif action == "stats":
            self.get_data(STATS_PATH, "stats")
        else:
            self.move_from_board()

    def move_from_board(self) -> None:
        board = self.get_data(BOARD_PATH, "board")
        if board is None:
            return
        cards = workflow.cards_of_run(workflow.board_cards(board), self.seeded)
        card = workflow.pick_card(cards, self.rng, RUN.next_status)
        if card is None:
            RUN.counts.idle += 1
            return
        self.move(card, RUN.next_status)

    def contend(self) -> None:
        # The card itself rather than the board: the fight is over 3 cards, whatever else is on DATE.
        if not RUN.seeded_ids:
            RUN.counts.idle += 1
            return
        card = self.get_data(f"{CARDS_PATH}/{self.rng.choice(RUN.seeded_ids)}", "card")
        if card is not None:
            self.move(card, RUN.next_status)

    def move(self, card: dict, next_fn: workflow.NextStatus) -> None:
        """One move from the card's version; after a 409, refetch and retry once (workflow.after_conflict)."""
        if self.post_move(card["id"], next_fn(card["status"]), card["version"]) != CONFLICT:
            return
        fresh = self.get_data(f"{CARDS_PATH}/{card['id']}", "card")
        if fresh is None:
            return
        retry = workflow.after_conflict(fresh, next_fn)
        if retry is None or self.post_move(card["id"], retry.new_status, retry.expected_version) == MOVED:
            RUN.counts.recovered += 1

    def post_move(self, card_id: str, new_status: str, expected_version: int) -> str:
        RUN.counts.moves += 1
        body = {"new_status": new_status, "expected_version": expected_version}
        with self.client.post(f"{CARDS_PATH}/{card_id}/move", json=body, name="move", catch_response=True) as r:
            # 200, or a 409 version_conflict: an expected answer under optimistic concurrency.
            if _checked(r, "move") is None:
                return ERROR
            if r.status_code == 200:
                RUN.counts.moved += 1
                return MOVED
            RUN.counts.conflicts += 1
            return CONFLICT

    def get_data(self, path: str, name: str) -> Optional[dict]:
        with self.client.get(path, name=name, catch_response=True) as r:
            body = _checked(r, name)
            return None if body is None else body["data"]


def _api_session(environment) -> HttpSession:
    """A session outside any user for setup, the read-back and the cleanup; its requests count in the report."""
    session = HttpSession(SETTINGS.base_url, environment.events.request, user=None)
    if SETTINGS.token:
        session.headers["Authorization"] = f"Bearer {SETTINGS.token}"
    return session


@events.init.add_listener
def refuse_distributed(environment, **_) -> None:
    # The seeded ids and the client-side 200 count live in this process's memory.
    if isinstance(environment.runner, (MasterRunner, WorkerRunner)):
        sys.exit("Configuration error: these scenarios run with Locust's local runner only, not --master/--worker")


def _stop_at_setup(environment, problem: str) -> None:
    RUN.setup_error = problem
    log.error("setup failed: %s; stopping", problem)
    gevent.spawn_later(0, environment.runner.quit)


@events.test_start.add_listener
def seed_cards(environment, **_) -> None:
    """Read the service's workflow and check the scenario's walk against it, then create this run's
    cards on DATE; iterations only ever move these."""
    RUN.run_tag = run_tag = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex[:6]}"
    session = _api_session(environment)
    with session.get("/api/admin/workflow", name="workflow", catch_response=True, timeout=REQUEST_TIMEOUT) as r:
        answer = _checked(r, "workflow")
    if answer is None:
        _stop_at_setup(environment, f"GET /api/admin/workflow at {SETTINGS.base_url} did not answer its workflow")
        return
    try:
        RUN.next_status = workflow.walk_on(answer["data"], workflow.scenario_walk(SETTINGS.scenario))
    except workflow.WorkflowError as error:
        _stop_at_setup(environment, str(error))
        return

    def create(index: int) -> Optional[str]:
        body = settings.seed_body(SETTINGS.date, index, run_tag)
        with session.post(CARDS_PATH, json=body, name="create", catch_response=True, timeout=REQUEST_TIMEOUT) as r:
            created = _checked(r, "create")
            return None if created is None else created["data"]["id"]

    started = time.monotonic()
    ids = gevent.pool.Pool(SEED_CONCURRENCY).map(create, range(SETTINGS.cards))
    RUN.seeded_ids = [card_id for card_id in ids if card_id is not None]
    log.info("seeded %d of %d cards on %s (run %s) in %.1f s", len(RUN.seeded_ids), SETTINGS.cards,
             SETTINGS.date, run_tag, time.monotonic() - started)
    if len(RUN.seeded_ids) != SETTINGS.cards:
        _stop_at_setup(environment, f"only {len(RUN.seeded_ids)} of {SETTINGS.cards} cards could be created at {SETTINGS.base_url}")
        return
    # Like k6, DURATION counts from the end of setup; run.sh's -t is only a cap that leaves room for seeding.
    gevent.spawn_later(SETTINGS.seconds, environment.runner.quit)


@events.test_stop.add_listener
def check_invariant(environment, **_) -> None:
    """After the users stopped, read every seeded card and its history back through the API."""
    if not verdict.checks_invariant(SETTINGS.scenario) or not RUN.seeded_ids:
        return
    session = _api_session(environment)

    def read(path: str, name: str) -> Optional[dict]:
        with session.get(path, name=name, catch_response=True, timeout=REQUEST_TIMEOUT) as r:
            body = _checked(r, name)
            return None if body is None else body["data"]

    def read_back(card_id: str) -> tuple[str, Optional[int], Optional[int]]:
        card = read(f"{CARDS_PATH}/{card_id}", "card")
        # History is paged (newest first, next_cursor until the last page): count every page.
        rows, page = 0, read(f"{CARDS_PATH}/{card_id}/history?limit=200", "history")
        while page is not None:
            rows += len(page["items"])
            if not page.get("next_cursor"):
                break
            page = read(f"{CARDS_PATH}/{card_id}/history?limit=200&cursor={quote(page['next_cursor'])}", "history")
        if card is None or page is None:
            return card_id, None, None
        return card_id, card["version"], rows

    read = gevent.pool.Pool(SEED_CONCURRENCY).map(read_back, RUN.seeded_ids)
    unreadable = [f"card {card_id} could not be read back" for card_id, version, _ in read if version is None]
    versions = {card_id: version for card_id, version, _ in read if version is not None}
    history_rows = {card_id: rows for card_id, version, rows in read if version is not None}
    RUN.invariant_violations = unreadable + verdict.invariant_violations(versions, history_rows, RUN.counts.moved)


@events.test_stop.add_listener
def delete_cards(environment, **_) -> None:
    """The cleanup, after the read-back (listeners run in the order they were added): delete this
    run's cards with the admin delete; 403/404/405 are answers, logged, not failures."""
    session = _api_session(environment)
    if SETTINGS.admin_token:
        session.headers["Authorization"] = f"Bearer {SETTINGS.admin_token}"

    def delete(card_id: str) -> str:
        with session.delete(f"{CARDS_PATH}/{card_id}", name="delete", catch_response=True, timeout=REQUEST_TIMEOUT) as r:
            result = cleanup.classify_delete(r.status_code)
            if result == cleanup.FAILED:
                r.failure(_short(r))
            else:
                r.success()
            return result

    results: list[str] = []
    pool = gevent.pool.Pool(SEED_CONCURRENCY)
    for first in range(0, len(RUN.seeded_ids), DELETE_BATCH):
        if cleanup.stops_cleanup(results):
            break
        results += pool.map(delete, RUN.seeded_ids[first:first + DELETE_BATCH])
    RUN.cleanup = cleanup.cleanup_report(results, len(RUN.seeded_ids), RUN.run_tag, SETTINGS.date)
    (log.info if RUN.cleanup.clean else log.warning)("%s", RUN.cleanup.message)


def _percentiles(stats, percent: float) -> dict[str, Optional[float]]:
    return {entry.name: entry.get_response_time_percentile(percent) if entry.num_requests else None
            for entry in stats.entries.values()}


@events.quitting.add_listener
def judge(environment, **_) -> None:
    """Every threshold, one line each; any breach makes Locust exit 1 (0 otherwise, even with a few
    failures under the 1 % bar, which Locust alone would turn into exit 1)."""
    stats = environment.stats
    measured = verdict.Measured(
        requests=stats.total.num_requests,
        failures=stats.total.num_failures,
        p95_ms=_percentiles(stats, 0.95),
        p99_ms=_percentiles(stats, 0.99),
        counts=RUN.counts,
        invariant_violations=RUN.invariant_violations,
        setup_error=RUN.setup_error,
        exceptions=sum(row["count"] for row in environment.runner.exceptions.values()),
    )
    outcomes = verdict.evaluate(SETTINGS.scenario, SETTINGS.profile, measured)
    c = RUN.counts
    print(f"\n{SETTINGS.scenario}: {c.moves} moves ({c.moved} answered 200), {c.conflicts} conflicts "
          f"(rate {c.conflict_rate:.4f}), {c.recovered} recovered, {c.idle} iterations without a movable card")
    if RUN.cleanup is not None:
        print(RUN.cleanup.message)
    for outcome in outcomes:
        print(verdict.line(outcome))
    passed = all(outcome.passed for outcome in outcomes)
    print("all thresholds passed" if passed else "THRESHOLDS BREACHED", flush=True)
    summary_path = os.environ.get("LOCUST_SUMMARY_JSON")
    if summary_path:
        with open(summary_path, "w", encoding="utf-8") as out:
            json.dump({"settings": asdict(SETTINGS) | {"token": bool(SETTINGS.token), "admin_token": bool(SETTINGS.admin_token)},
                       "counts": asdict(c), "cleanup": RUN.cleanup and asdict(RUN.cleanup),
                       "p95_ms": measured.p95_ms, "p99_ms": measured.p99_ms,
                       "thresholds": [asdict(o) for o in outcomes], "passed": passed}, out, indent=2)
    environment.process_exit_code = 0 if passed else 1
