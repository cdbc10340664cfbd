"""No function of the application above cyclomatic complexity 15, as radon counts it.

ruff's C901 (mccabe, `make lint`) holds the same limit but counts differently: radon also
counts each boolean operator and comprehension, so a function can pass one and not the
other. A function over the limit is split into named steps that say what they do.
"""

from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class, Function

LIMIT = 15
APP = Path(__file__).resolve().parent.parent / "lindungi"


def _functions(blocks: list[Function | Class]):
    """Functions, methods (radon lists them beside their class) and nested functions."""
    for block in blocks:
        if isinstance(block, Function):
            yield block
            yield from _functions(block.closures)


def test_no_function_is_more_complex_than_the_limit():
    offenders = [
        f"{path.relative_to(APP.parent)}:{function.lineno} {function.fullname} "
        f"({function.complexity})"
        for path in sorted(APP.rglob("*.py"))
        if "migrations" not in path.parts
        for function in _functions(cc_visit(path.read_text()))
        if function.complexity > LIMIT
    ]
    assert offenders == [], "\n".join(offenders)
