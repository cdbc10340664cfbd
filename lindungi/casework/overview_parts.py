"""What the apps above case work add to the supervisor's overview (the referrals app: its
overdue referrals and the emergency overrides to review), handed down when they are ready so
that case work never names them: ``add_part(part)``, where ``part(user, unit, now)`` returns
more of the page's context, and ``add_section(template)`` to include on the page."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

_parts: list[Callable[[Any, Any, datetime], dict[str, Any]]] = []
_sections: list[str] = []


def add_part(part: Callable[[Any, Any, datetime], dict[str, Any]]) -> None:
    if part not in _parts:
        _parts.append(part)


def add_section(template: str) -> None:
    if template not in _sections:
        _sections.append(template)


def extra_context(user: Any, unit: Any, now: datetime) -> dict[str, Any]:
    context: dict[str, Any] = {"overview_sections": list(_sections)}
    for part in _parts:
        context.update(part(user, unit, now))
    return context
