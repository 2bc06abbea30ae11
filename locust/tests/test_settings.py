import pytest

from settings import SettingsError, default_cards, from_env, parse_duration, seed_body


@pytest.mark.parametrize("text, seconds", [("60", 60), ("60s", 60), ("2m", 120), ("1m30s", 90), ("1h", 3600),
                                           ("1h1m1s", 3661)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "0s", "-5", "5ms", "1.5s", "s", "abc", "30 s"])
def test_parse_duration_rejects(text):
    with pytest.raises(SettingsError, match="DURATION"):
        parse_duration(text)


def test_default_cards_follow_the_shared_formula():
    assert default_cards("move", 20, 60) == 1000  # ceil(20 × 60 / 0.5 / 3 × 1.25)
    assert default_cards("smoke", 5, 10) == 42  # ceil(41.67)
    assert default_cards("mix", 20, 60) == 300  # only 30 % of iterations move
    assert default_cards("contention", 20, 30) == 3
    assert default_cards("rate", 999, 60, 20) == 800  # RATE × s moves / 3 × 2, whatever the users


def test_defaults_per_scenario():
    move = from_env("move", {})
    assert (move.users, move.seconds, move.cards, move.date) == (20, 60, 1000, "2031-01-15")
    assert move.base_url == "http://127.0.0.1:8080" and move.token is None and move.pause_seconds == 0.5
    smoke = from_env("smoke", {})
    assert (smoke.users, smoke.seconds, smoke.cards) == (5, 10, 42)
    rate = from_env("rate", {})
    assert (rate.users, rate.seconds, rate.rate, rate.cards, rate.pause_seconds) == (20, 60, 20, 800, 0.0)
    assert (move.profile, move.admin_token) == ("shop", None)
    contention = from_env("contention", {})
    assert (contention.users, contention.seconds, contention.cards, contention.pause_seconds) == (20, 30, 3, 0.0)


def test_env_overrides_and_cards_follow_users_and_duration():
    s = from_env("move", {"VUS": "4", "DURATION": "1m", "DATE": "2031-02-01", "TOKEN": " abc ", "ADMIN_TOKEN": " adm ",
                          "PROFILE": "local", "BASE_URL": "http://127.0.0.1:18082/"})
    assert (s.users, s.seconds, s.cards, s.date, s.token) == (4, 60, 200, "2031-02-01", "abc")
    assert (s.profile, s.admin_token) == ("local", "adm")
    assert from_env("rate", {"RATE": "5", "DURATION": "2m"}).cards == 400
    assert s.base_url == "http://127.0.0.1:18082"
    assert from_env("move", {"CARDS": "7"}).cards == 7


def test_empty_values_count_as_unset():
    assert from_env("move", {"VUS": " ", "DURATION": "", "TOKEN": "", "PROFILE": " ", "RATE": ""}) == from_env("move", {})


@pytest.mark.parametrize("env, message", [
    ({"VUS": "0"}, "VUS must be an integer between 1 and 10000, got '0'"),
    ({"VUS": "many"}, "VUS must be"),
    ({"CARDS": "-1"}, "CARDS must be"),
    ({"CARDS": "50001"}, "CARDS must be an integer between 1 and 50000"),
    ({"DATE": "2031-13-01"}, "DATE must be a day as YYYY-MM-DD, got '2031-13-01'"),
    ({"DATE": "20310115"}, "DATE must be"),
    ({"BASE_URL": "127.0.0.1:8080"}, "BASE_URL must look like"),
    ({"DURATION": "soon"}, "DURATION must be"),
    ({"VUS": "10000", "DURATION": "1h"}, "CARDS computed from VUS, DURATION and RATE is 30000000"),
    ({"RATE": "0"}, "RATE must be an integer between 1 and 10000, got '0'"),
    ({"PROFILE": "strict"}, "PROFILE must be one of shop, local, got 'strict'"),
])
def test_bad_values_name_the_variable(env, message):
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_env("move", env)


def test_unknown_scenario():
    with pytest.raises(SettingsError, match="scenario must be one of move, mix, contention, smoke, rate, got 'soak'"):
        from_env("soak", {})


def test_seed_body_is_on_the_date_in_utc_one_second_apart():
    first, later = seed_body("2031-01-15", 0, "run1"), seed_body("2031-01-15", 3601, "run1")
    assert (first["appt_start"], first["appt_end"]) == ("2031-01-15T08:00:00Z", "2031-01-15T09:00:00Z")
    assert (later["appt_start"], later["appt_end"]) == ("2031-01-15T09:00:01Z", "2031-01-15T10:00:01Z")
    assert first["customer"] == {"name": "Load test run1 #0"}
    assert first["vehicle"] == {"make": "Loadtest", "model": "Locust", "year": 2020}


def test_the_last_allowed_card_still_starts_on_the_date():
    assert seed_body("2031-01-15", 49_999, "r")["appt_start"].startswith("2031-01-15T")
