"""The checks on every answer, by request name (the k6 scripts' check()s): what a healthy service
answers, status and shape. An answer that fails its check is a Locust failure."""
from __future__ import annotations

from typing import Any, Callable, Optional


def _data(body: Any) -> dict:
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else {}


def _error_code(body: Any) -> Optional[str]:
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


ANSWER_CHECKS: dict[str, tuple[str, Callable[[int, Any], bool]]] = {
    "create": ("create: 201 with the card id", lambda status, body: status == 201 and isinstance(_data(body).get("id"), str)),
    "board": ("board: 200 with its columns", lambda status, body: status == 200 and isinstance(_data(body).get("columns"), dict)),
    "stats": ("stats: 200 with jobsToday", lambda status, body: status == 200 and _is_int(_data(body).get("jobsToday"))),
    "card": ("card: 200 with its version", lambda status, body: status == 200 and _is_int(_data(body).get("version"))),
    "history": ("history: 200 with its items", lambda status, body: status == 200 and isinstance(_data(body).get("items"), list)),
    "workflow": ("workflow: 200 with its transitions",
                 lambda status, body: status == 200 and isinstance(_data(body).get("transitions"), dict)),
    "move": ("move: 200, or 409 version_conflict",
             lambda status, body: status == 200 or (status == 409 and _error_code(body) == "version_conflict")),
    "delete": ("delete: 200 (card removed)", lambda status, body: status == 200 and isinstance(body, dict) and body.get("ok") is True),
}


def failed_check(name: str, status: int, body: Any) -> Optional[str]:
    """The name of the check the answer fails, or None when it passes."""
    title, passes = ANSWER_CHECKS[name]
    return None if passes(status, body) else title
