"""What each caseload row shows, cell by cell, in both languages: pinned when the rows moved
from Python strings into the template, so that the page reads exactly as it did."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from lindungi.accounts.models import Membership, User
from lindungi.accounts.roles import Role
from lindungi.cases import actions
from tests.cases.factories import make_case
from tests.login import log_in
from tests.page_text import table_rows

URL = reverse("cases:caseload")
OPENED = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta


@pytest.fixture
def listed(personas):
    """Three cases of unit A opened an hour apart: a plain one; a restricted one of high
    priority with two workers; one without a survivor yet (no group, no place)."""
    made = {}
    with time_machine.travel(OPENED, tick=False):
        made["plain"] = make_case(personas, "a")
    with time_machine.travel(OPENED.replace(hour=4), tick=False):
        case = make_case(personas, "a", restricted=True)
        case = actions.update_case(personas.case_worker_a, case, case.version, {"priority": "high"})
        # A display name with markup in it: shown as text, never as markup.
        second = User.objects.create_user("rina@test.lindungi.id", None, display_name="Rina <b>")
        Membership.objects.create(user=second, unit=personas.unit_a, role=Role.CASE_WORKER)
        actions.assign_worker(personas.supervisor_a, case, second)
        made["restricted"] = case
    with time_machine.travel(OPENED.replace(hour=5), tick=False):
        made["empty"] = actions.open_case(personas.case_worker_a, personas.unit_a)
    return made


WORDS = {
    "id": {
        "restricted": "Dibatasi",
        "open": "Terbuka",
        "medium": "Sedang",
        "high": "Tinggi",
        "woman": "Perempuan",
        "dec": "Des",
        "overdue": "1 terlambat",
    },
    "en": {
        "restricted": "Restricted",
        "open": "Open",
        "medium": "Medium",
        "high": "High",
        "woman": "Woman",
        "dec": "Dec",
        "overdue": "1 overdue",
    },
}


def _link(case):
    return f'<a href="/kasus/{case.pk}/">{case.survivor_code}</a>'


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_rows_show_each_cases_values(client, personas, listed, settings, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with time_machine.travel(OPENED.replace(day=4), tick=False):
        log_in(client, personas.supervisor_a)
        html = client.get(URL).content.decode()
    words = WORDS[language]
    medium = f'<span class="priority priority-medium">{words["medium"]}</span>'
    kota = "Kota Administrasi Jakarta Selatan"
    restricted = f'<span class="tag restricted">{words["restricted"]}</span>'

    def opened(hour):
        return f'<time datetime="2026-12-01T{hour}:00:00+07:00">1 {words["dec"]} 2026</time>'

    def due(day, hour):
        return (
            f'<time datetime="2026-12-0{day}T{hour}:00:00+07:00">'
            f"{day} {words['dec']} 2026, {hour}:00 WIB</time>"
        )

    assert table_rows(html, "caseload") == [
        # Newest first; a case without a survivor has no group and no place.
        [
            _link(listed["empty"]),
            words["open"],
            medium,
            "—",
            "—",
            opened(12),
            due(4, 12),
            "Case Worker A",
        ],
        [
            f"{_link(listed['restricted'])} {restricted}",
            words["open"],
            f'<span class="priority priority-high">{words["high"]}</span>',
            words["woman"],
            kota,
            opened(11),
            f'{due(2, 11)} <strong class="overdue">{words["overdue"]}</strong>',
            "Case Worker A, Rina &lt;b&gt;",  # markup in a name is shown as text
        ],
        [
            _link(listed["plain"]),
            words["open"],
            medium,
            words["woman"],
            kota,
            opened(10),
            due(4, 10),
            "Case Worker A",
        ],
    ]
