import random

import pytest

from workflow import (CONTENTION_WALK, SHOP_WALK, Retry, WorkflowError, after_conflict, board_cards, cards_of_run,
                      mix_action, pick_card, scenario_walk, walk_on)

# The data of GET /api/admin/workflow as the contract states it.
WORKFLOW = {
    "statuses": ["scheduled", "in_progress", "ready", "completed", "no_show"],
    "transitions": {"scheduled": ["in_progress", "no_show"], "in_progress": ["ready", "completed", "scheduled"],
                    "ready": ["completed", "in_progress"], "completed": [], "no_show": ["scheduled"]},
}
next_status = walk_on(WORKFLOW, SHOP_WALK)
next_contention_status = walk_on(WORKFLOW, CONTENTION_WALK)


def card(card_id, status, version=1):
    return {"id": card_id, "status": status, "version": version}


def test_happy_path_walks_to_completed_and_stops():
    assert next_status("scheduled") == "in_progress"
    assert next_status("in_progress") == "ready"
    assert next_status("ready") == "completed"
    assert next_status("completed") is None
    assert next_status("no_show") is None


def test_contention_cycles_between_in_progress_and_ready_forever():
    status, seen = "scheduled", []
    for _ in range(5):
        status = next_contention_status(status)
        seen.append(status)
    assert seen == ["in_progress", "ready", "in_progress", "ready", "in_progress"]
    assert next_contention_status("completed") is None
    assert next_contention_status("no_show") is None


def test_scenario_walk_cycles_for_contention_only():
    assert scenario_walk("contention") is CONTENTION_WALK
    assert all(scenario_walk(name) is SHOP_WALK for name in ("move", "smoke", "rate", "mix"))


def test_a_walk_the_service_does_not_allow_is_refused_naming_each_step():
    stricter = {**WORKFLOW, "transitions": {**WORKFLOW["transitions"], "ready": ["completed"], "in_progress": ["completed"]}}
    with pytest.raises(WorkflowError, match="does not allow in_progress → ready, ready → in_progress, which this scenario walks"):
        walk_on(stricter, CONTENTION_WALK)


@pytest.mark.parametrize("answer", [None, [], {"statuses": []}, {"transitions": {}}, {"statuses": [], "transitions": []}])
def test_an_answer_that_is_not_a_workflow_table_is_refused(answer):
    with pytest.raises(WorkflowError, match="answered no"):
        walk_on(answer, SHOP_WALK)


def test_board_cards_reads_all_five_columns():
    board = {"columns": {s: {"items": [card(s, s)]} for s in
                         ("scheduled", "in_progress", "ready", "completed", "no_show")}}
    assert sorted(c["id"] for c in board_cards(board)) == ["completed", "in_progress", "no_show", "ready", "scheduled"]


def test_board_cards_fails_loudly_on_a_column_without_items():
    with pytest.raises(KeyError):
        board_cards({"columns": {"scheduled": {}}})


def test_only_this_runs_cards_are_kept():
    cards = [card("1", "scheduled"), card("2", "scheduled"), card("3", "ready")]
    assert [c["id"] for c in cards_of_run(cards, frozenset({"1", "3"}))] == ["1", "3"]
    assert cards_of_run(cards, frozenset()) == []


def test_pick_card_never_picks_terminal_cards():
    cards = [card("done", "completed"), card("gone", "no_show"), card("todo", "ready")]
    rng = random.Random(7)
    assert {pick_card(cards, rng, next_status)["id"] for _ in range(50)} == {"todo"}


def test_pick_card_is_none_when_nothing_can_move():
    assert pick_card([card("1", "completed"), card("2", "no_show")], random.Random(1), next_status) is None
    assert pick_card([], random.Random(1), next_status) is None


def test_pick_card_is_uniform_over_movable_cards():
    cards = [card(str(i), "scheduled") for i in range(4)] + [card("x", "completed")]
    rng = random.Random(42)
    picks = [pick_card(cards, rng, next_status)["id"] for _ in range(8000)]
    for i in range(4):
        assert 1800 < picks.count(str(i)) < 2200  # 2000 expected each
    assert "x" not in picks


def test_pick_card_uses_the_given_workflow():
    cards = [card("1", "ready"), card("2", "completed")]
    rng = random.Random(3)
    assert pick_card(cards, rng, next_contention_status)["id"] == "1"
    assert pick_card([card("2", "completed")], rng, next_contention_status) is None


def test_after_conflict_retries_from_the_fresh_version():
    assert after_conflict(card("1", "in_progress", 5), next_status) == Retry("ready", 5)
    assert after_conflict(card("1", "ready", 9), next_contention_status) == Retry("in_progress", 9)


def test_after_conflict_on_a_card_someone_finished_is_recovered_without_retry():
    assert after_conflict(card("1", "completed", 4), next_status) is None


@pytest.mark.parametrize("draw, action", [(0.0, "board"), (0.3499, "board"), (0.35, "stats"), (0.6999, "stats"),
                                          (0.7, "move"), (0.9999, "move")])
def test_mix_action_splits_35_35_30(draw, action):
    assert mix_action(draw) == action


@pytest.mark.parametrize("draw", [-0.1, 1.0, 2])
def test_mix_action_rejects_draws_outside_0_1(draw):
    with pytest.raises(ValueError, match="draw must be in"):
        mix_action(draw)
