"""axe-core on the page a browser test has open: no serious or critical violation.

axe-core comes bundled in axe-playwright-python (nothing is downloaded). A failure names
each violation by rule, impact and the CSS selectors of the elements at fault, never by
what the page says: pages show personal data, and test output must not.
"""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"serious", "critical"}
AXE = Axe()
RUN = "axe.run(document, {resultTypes: ['violations']})"


def violations(page):
    """(rule id, impact, selectors) of every serious or critical violation on ``page``."""
    page.evaluate(AXE.axe_script)
    return [
        (rule["id"], rule["impact"], [" ".join(map(str, node["target"])) for node in rule["nodes"]])
        for rule in page.evaluate(RUN)["violations"]
        if rule["impact"] in BLOCKING
    ]


def assert_accessible(page, where=""):
    """Fail listing every serious or critical axe violation on ``page``'s current content."""
    found = violations(page)
    assert not found, f"{where or page.url}: " + "; ".join(
        f"{rule} ({impact}): {', '.join(targets)}" for rule, impact, targets in found
    )
