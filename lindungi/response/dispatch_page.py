"""What the apps above the rapid response unit add to a dispatch's page, handed down when
they are ready so that this app never names them (the safe houses: the places asked from
the scene, and the way to ask one). ``add_part(part)``, where ``part(user, dispatch)``
returns more of the page's context, and ``add_section(template)`` to include on it."""

from collections.abc import Callable
from typing import Any

_parts: list[Callable[[Any, Any], dict[str, Any]]] = []
_sections: list[str] = []


def add_part(part: Callable[[Any, Any], dict[str, Any]]) -> None:
    if part not in _parts:
        _parts.append(part)


def add_section(template: str) -> None:
    if template not in _sections:
        _sections.append(template)


def extra_context(user: Any, dispatch: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"sections": list(_sections)}
    for part in _parts:
        context.update(part(user, dispatch))
    return context
