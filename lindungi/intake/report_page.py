"""What the apps above intake add to a report's page: each registers a template when it is
ready (the rapid response unit: the report's dispatches and the way to ask for one), so
intake never names them and the arrow points from them to intake only."""

_sections: list[str] = []


def add_section(template: str) -> None:
    """Include ``template`` on the report's page; it reads the page's ``report``."""
    if template not in _sections:
        _sections.append(template)


def sections() -> list[str]:
    return list(_sections)
