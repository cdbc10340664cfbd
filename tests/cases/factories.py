"""Cases for tests, made through the real actions."""

from datetime import date

from lindungi.cases import actions
from lindungi.cases.vocabulary import GbvType, Sex
from lindungi.places.models import Region


def make_case(personas, unit="a", restricted=False):
    worker = getattr(personas, f"case_worker_{unit}")
    case = actions.open_case(worker, getattr(personas, f"unit_{unit}"))
    survivor = actions.add_client(
        worker,
        case,
        {
            "role": "survivor",
            "name": "Siti Aminah",
            "phone": "0812-3456-7890",
            "nik": "3174012345678901",
            "birth_date": date(1990, 5, 17),
            "sex": Sex.FEMALE,
            "kelurahan": Region.objects.get(code="31.74.01.1001"),
        },
    )
    incident = actions.add_incident(
        worker,
        case,
        {
            "survivor": survivor,
            "occurred_on": date(2026, 11, 20),
            "reported_on": date(2026, 11, 22),
            "place_type": "rumah_tangga",
            "description": "Canary narrative text",
            "gbv_answers": {
                GbvType.RAPE: False,
                GbvType.SEXUAL_ASSAULT: False,
                GbvType.PHYSICAL_ASSAULT: True,
            },
            "violence_types": ["fisik"],
        },
    )
    if restricted:
        actions.add_perpetrator(
            worker,
            incident,
            {
                "relationship": "lainnya",
                "public_employment": "ppsu",
                "employing_agency": "Kelurahan Tebet Timur",
            },
        )
    case.refresh_from_db()
    return case
