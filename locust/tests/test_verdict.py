import pytest

from verdict import Counts, Measured, checks_invariant, evaluate, invariant_violations, line


def measured(**overrides):
    values = dict(requests=1000, failures=0, p95_ms={"move": 8, "board": 30, "stats": 5},
                  p99_ms={"move": 20, "board": 50, "stats": 9}, counts=Counts(moves=500, moved=495, conflicts=5,
                                                                                recovered=5),
                  invariant_violations=[])
    values.update(overrides)
    return Measured(**values)


def failed(outcomes):
    return [o.name for o in outcomes if not o.passed]


def test_a_good_move_run_passes_every_threshold():
    outcomes = evaluate("move", "shop", measured())
    assert failed(outcomes) == []
    assert [o.name for o in outcomes] == [
        "http_req_failed rate<0.01", "http_req_duration{name:move} p(95)<400", "conflicts rate<0.10",
        "conflicts_recovered rate==1", "invariant version-1 == history rows == 200 moves seen"]


def test_profile_local_adds_our_move_bars_to_every_scenario_but_contention():
    ours = ["http_req_duration{name:move} p(95)<=10", "http_req_duration{name:move} p(99)<=25"]
    for scenario in ("move", "smoke", "rate", "mix"):
        assert [o.name for o in evaluate(scenario, "local", measured())][-2:] == ours, scenario
        assert not set(ours) & {o.name for o in evaluate(scenario, "shop", measured())}, scenario
    assert not set(ours) & {o.name for o in evaluate("contention", "local", measured())}


def test_rate_has_the_move_scenarios_bars():
    assert [o.name for o in evaluate("rate", "shop", measured())] == [o.name for o in evaluate("move", "shop", measured())]


def test_failure_rate_bar_is_strictly_below_one_percent():
    assert failed(evaluate("smoke", "shop", measured(failures=9))) == []
    assert failed(evaluate("smoke", "shop", measured(failures=10))) == ["http_req_failed rate<0.01"]


def test_our_latency_bars_are_inclusive_the_shops_is_strict():
    assert failed(evaluate("move", "local", measured(p95_ms={"move": 10}, p99_ms={"move": 25}))) == []
    assert failed(evaluate("move", "local", measured(p95_ms={"move": 11}, p99_ms={"move": 26}))) == [
        "http_req_duration{name:move} p(95)<=10", "http_req_duration{name:move} p(99)<=25"]
    assert failed(evaluate("move", "shop", measured(p95_ms={"move": 399}, p99_ms={"move": 900}))) == []
    assert "http_req_duration{name:move} p(95)<400" in failed(evaluate("smoke", "shop", measured(p95_ms={"move": 400})))


def test_smoke_keeps_only_the_shops_bars():
    assert failed(evaluate("smoke", "shop", measured(p95_ms={"move": 300}, p99_ms={"move": 390}))) == []


def test_conflict_rate_and_recovery():
    many = Counts(moves=100, moved=90, conflicts=10, recovered=10)
    assert failed(evaluate("smoke", "shop", measured(counts=many))) == ["conflicts rate<0.10"]
    lost = Counts(moves=100, moved=96, conflicts=4, recovered=3)
    outcome = [o for o in evaluate("smoke", "shop", measured(counts=lost)) if not o.passed]
    assert [(o.name, o.detail) for o in outcome] == [("conflicts_recovered rate==1", "3 of 4 conflicts recovered")]


def test_no_moves_or_requests_fail_instead_of_passing_vacuously():
    outcomes = evaluate("move", "local", measured(requests=0, p95_ms={}, p99_ms={}, counts=Counts()))
    assert failed(outcomes) == ["http_req_failed rate<0.01", "http_req_duration{name:move} p(95)<400",
                                "conflicts rate<0.10", "http_req_duration{name:move} p(95)<=10",
                                "http_req_duration{name:move} p(99)<=25"]
    assert "no 'move' request was measured" in [o.detail for o in outcomes]


def test_mix_has_per_endpoint_bars():
    assert failed(evaluate("mix", "shop", measured(p95_ms={"move": 8, "board": 400, "stats": 5}))) == [
        "http_req_duration{name:board} p(95)<400"]
    assert failed(evaluate("mix", "shop", measured(p95_ms={"move": 8, "board": 30}))) == [
        "http_req_duration{name:stats} p(95)<400"]


def test_contention_needs_the_invariant_checked_and_ignores_conflict_bars():
    crowded = Counts(moves=1000, moved=400, conflicts=600, recovered=100)
    assert failed(evaluate("contention", "shop", measured(counts=crowded, invariant_violations=[]))) == []
    assert failed(evaluate("contention", "shop", measured(counts=crowded, invariant_violations=None))) == [
        "invariant version-1 == history rows == 200 moves seen"]
    broken = evaluate("contention", "shop", measured(counts=crowded, invariant_violations=["card 1: version 3 but 1 history rows"]))
    assert [o.detail for o in broken if not o.passed] == ["card 1: version 3 but 1 history rows"]


def test_the_invariant_is_read_back_for_every_scenario_but_smoke():
    assert [s for s in ("move", "mix", "contention", "smoke", "rate") if checks_invariant(s)] == ["move", "mix", "contention", "rate"]
    assert "invariant version-1 == history rows == 200 moves seen" in failed(
        evaluate("move", "shop", measured(invariant_violations=None)))
    assert failed(evaluate("smoke", "shop", measured(invariant_violations=None))) == []


def test_a_failed_setup_fails_the_run_first():
    outcomes = evaluate("smoke", "shop", measured(setup_error="only 3 of 42 cards could be created"))
    assert (outcomes[0].name, outcomes[0].passed) == ("setup", False)


def test_an_exception_in_the_users_code_fails_the_run():
    outcomes = evaluate("smoke", "shop", measured(exceptions=2))
    assert [(o.name, o.passed, o.detail) for o in outcomes if not o.passed] == [
        ("exceptions", False, "2 raised in the users' code (see the report)")]


def test_invariant_holds():
    assert invariant_violations({"1": 5, "2": 1}, {"1": 4, "2": 0}, moved=4) == []


def test_invariant_reports_a_lost_update_and_a_miscount():
    assert invariant_violations({"1": 5, "2": 3}, {"1": 3, "2": 2}, moved=5) == [
        "card 1: version 5 but 3 history rows", "users saw 5 moves answered 200 but the cards moved 6 times"]


def test_invariant_reports_a_card_without_history_answer():
    assert invariant_violations({"1": 2}, {}, moved=1) == ["card 1: version 2 but None history rows"]


def test_lines_say_fail_for_breaches():
    ok, bad = evaluate("smoke", "shop", measured(failures=500))[:2][::-1]
    assert line(bad).startswith("FAIL threshold http_req_failed rate<0.01: measured 0.5000 (500 of 1000)")
    assert line(ok).startswith("ok   threshold")


@pytest.mark.parametrize("moves, conflicts, rate", [(0, 0, 0.0), (4, 1, 0.25)])
def test_conflict_rate_is_zero_without_moves(moves, conflicts, rate):
    assert Counts(moves=moves, conflicts=conflicts).conflict_rate == rate
