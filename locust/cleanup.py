"""What the cleanup makes of the admin delete's answers (DELETE /api/admin/appointments/{id}, which
needs the admin role): when to stop, and the line it logs. A service without that route, or a token
without the admin role, leaves the cards in place: logged, never a failed threshold."""
from __future__ import annotations

from dataclasses import dataclass

DELETED, ABSENT, REFUSED, UNSUPPORTED, FAILED = "deleted", "absent", "refused", "unsupported", "failed"
# 404: gone already; 403: the token lacks the admin role; 405: the service has no admin delete.
_BY_STATUS = {200: DELETED, 404: ABSENT, 403: REFUSED, 405: UNSUPPORTED}


def classify_delete(status: int) -> str:
    return _BY_STATUS.get(status, FAILED)


def stops_cleanup(results: list[str]) -> bool:
    """A refusal or a missing route would answer every other delete the same way."""
    return REFUSED in results or UNSUPPORTED in results


@dataclass(frozen=True)
class Report:
    clean: bool
    message: str


def cleanup_report(results: list[str], seeded: int, run_tag: str, day: str) -> Report:
    """The cleanup's line; `results` may stop short of `seeded`."""
    gone = results.count(DELETED) + results.count(ABSENT)
    where = f"the run's {seeded - gone} remaining cards stay on {day} (customers named 'Load test {run_tag} #…')"
    if UNSUPPORTED in results:
        return Report(False, f"cleanup: DELETE /api/admin/appointments/{{id}} answered 405: this service has no admin delete, so {where}")
    if REFUSED in results:
        return Report(False, f"cleanup: DELETE /api/admin/appointments/{{id}} answered 403: ADMIN_TOKEN (or TOKEN) lacks the admin role, so {where}")
    if FAILED in results:
        return Report(False, f"cleanup: {results.count(FAILED)} deletes failed (see the failures), so {where}")
    return Report(True, f"cleanup: removed the run's {gone} cards ({results.count(ABSENT)} were gone already)")
