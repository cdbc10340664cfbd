"""What the apps above the rapid response unit add to a dispatch's page, handed down when
they are ready so that this app never names them (the safe houses: ask for a place from
the scene). Each section is a template included with the page's context."""

_sections: list[str] = []


def add_section(template: str) -> None:
    if template not in _sections:
        _sections.append(template)


def sections() -> list[str]:
    return list(_sections)
