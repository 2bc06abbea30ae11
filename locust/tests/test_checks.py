import pytest

from checks import ANSWER_CHECKS, failed_check


def test_every_request_name_the_scenarios_send_has_its_check():
    assert sorted(ANSWER_CHECKS) == ["board", "card", "create", "delete", "history", "move", "stats", "workflow"]


@pytest.mark.parametrize("name, status, body", [
    ("create", 201, {"ok": True, "data": {"id": "42"}}),
    ("board", 200, {"ok": True, "data": {"columns": {}}}),
    ("stats", 200, {"ok": True, "data": {"jobsToday": 0}}),
    ("card", 200, {"ok": True, "data": {"version": 3}}),
    ("history", 200, {"ok": True, "data": {"items": []}}),
    ("workflow", 200, {"ok": True, "data": {"transitions": {}}}),
    ("move", 200, {"ok": True, "data": {}}),
    ("move", 409, {"ok": False, "error": {"code": "version_conflict"}}),
    ("delete", 200, {"ok": True, "data": {"appointment_id": "42"}}),
])
def test_healthy_answers_pass(name, status, body):
    assert failed_check(name, status, body) is None


@pytest.mark.parametrize("name, status, body, check", [
    ("create", 200, {"ok": True, "data": {"id": "42"}}, "create: 201 with the card id"),
    ("create", 201, {"ok": True, "data": {"id": 42}}, "create: 201 with the card id"),
    ("board", 200, None, "board: 200 with its columns"),  # a proxy's HTML page
    ("stats", 200, {"ok": True, "data": {"jobsToday": True}}, "stats: 200 with jobsToday"),
    ("card", 503, {"ok": False, "error": {"code": "unavailable"}}, "card: 200 with its version"),
    ("history", 200, {"ok": True, "data": {}}, "history: 200 with its items"),
    ("move", 409, {"ok": False, "error": {"code": "idempotency_key_in_use"}}, "move: 200, or 409 version_conflict"),
    ("move", 422, {"ok": False, "error": {"code": "invalid_transition"}}, "move: 200, or 409 version_conflict"),
    ("delete", 405, {"ok": False, "error": {"code": "method_not_allowed"}}, "delete: 200 (card removed)"),
])
def test_a_wrong_status_or_body_names_the_failed_check(name, status, body, check):
    assert failed_check(name, status, body) == check
