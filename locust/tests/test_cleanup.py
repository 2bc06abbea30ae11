from cleanup import (ABSENT, DELETED, FAILED, REFUSED, UNSUPPORTED, Report, classify_delete, cleanup_report,
                     stops_cleanup)


def test_200_deleted_404_gone_403_refused_405_no_route_else_failed():
    assert [classify_delete(s) for s in (200, 404, 403, 405, 401, 500, 0)] == [
        DELETED, ABSENT, REFUSED, UNSUPPORTED, FAILED, FAILED, FAILED]


def test_a_refusal_or_a_missing_route_stops_the_cleanup():
    assert not stops_cleanup([DELETED, ABSENT, FAILED])
    assert stops_cleanup([DELETED, UNSUPPORTED])
    assert stops_cleanup([REFUSED])


def test_every_card_gone_is_clean():
    assert cleanup_report([DELETED] * 40 + [ABSENT] * 2, 42, "run1", "2031-01-15") == Report(
        True, "cleanup: removed the run's 42 cards (2 were gone already)")


def test_405_and_403_say_why_the_cards_stay_how_many_and_how_to_find_them():
    assert cleanup_report([UNSUPPORTED] * 20, 42, "run1", "2031-01-15") == Report(
        False, "cleanup: DELETE /api/admin/appointments/{id} answered 405: this service has no admin delete, "
               "so the run's 42 remaining cards stay on 2031-01-15 (customers named 'Load test run1 #…')")
    assert cleanup_report([DELETED, REFUSED], 42, "run1", "2031-01-15").message.startswith(
        "cleanup: DELETE /api/admin/appointments/{id} answered 403: ADMIN_TOKEN (or TOKEN) lacks the admin role, "
        "so the run's 41 remaining cards stay")


def test_failed_deletes_leave_their_cards_counted():
    report = cleanup_report([DELETED] * 40 + [FAILED] * 2, 42, "run1", "2031-01-15")
    assert not report.clean
    assert report.message.startswith("cleanup: 2 deletes failed (see the failures), so the run's 2 remaining cards stay")
