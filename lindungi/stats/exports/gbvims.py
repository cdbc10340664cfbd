"""The GBVIMS Incident Recorder workbook: "Incident Data" (one row per counted incident, no
names, the IR's 42 columns in order) and "Menu Data" (the IR's answer lists). The column
mapping is documented in docs/gbvims-incident-recorder.md.

Rows about people: only a supervisor gets it, for the cases of the unit they supervise, as
the access module narrows them (``restrict(user, Need.SUPERVISE)``), and only the incidents
statistics count (``eligibility``). Identifying details are left out: no name, no date of
birth, no occupation, no free text; the survivor is her code.
"""

from lindungi.cases import classification
from lindungi.cases.access import Need
from lindungi.cases.models import Case
from lindungi.stats.counts import cases_with_parts, incident_day

COLUMNS = [
    "Incident ID", "Survivor Code", "Case Manager Code", "Date of Interview",
    "Date of Incident", "Date of Birth", "Sex", "Ethnicity", "Country of Origin",
    "Civil / Marital Status", "Displacement Status at Report", "Person with Disability?",
    "Unaccompanied or Separated Child?", "Stage of Displacement at Time of Incident",
    "Incident Time of Day", "Incident Location", "Incident County", "Incident District",
    "Incident Camp / Town", "GBV Type", "Harmful Traditional Practice",
    "Money, Goods, Benefits and/or Services Exchanged?", "Type of Abduction",
    "Previously Reported this Incident?", "Previous GBV Incidents?",
    "No. of Alleged Primary Perpetrator(s)", "Alleged Perpetrator Sex",
    "Previous Incident with this Perpetrator?", "Alleged Perpetrator Age Group",
    "Alleged Perpetrator - Survivor Relationship", "Alleged Perpetrator Occupation",
    "Referred to you from?", "Safe House / Shelter", "Health / Medical Services",
    "Psychosocial Services", "Wants Legal Action?", "Legal Assistance Services",
    "Police / Other Security Actor", "Livelihoods Program", "Child Protection / Education",
    "Consent Given", "Reporting Agency Code",
]  # fmt: skip
NOT_APPLICABLE = "Not applicable"
SEX = {"female": "F", "male": "M"}
MARITAL = {"single": "Single", "married": "Married / Cohabitating",
           "divorced": "Divorced / Separated", "widowed": "Widowed"}  # fmt: skip
TIME = {"morning": "Morning (sunrise to noon)", "afternoon": "Afternoon (noon to sunset)",
        "night": "Evening / night (sunset to sunrise)"}  # fmt: skip
LOCATION = {"rumah_tangga": "Home", "sekolah": "School", "tempat_kerja": "Workplace",
            "fasilitas_umum": "Public place", "lembaga_pendidikan_kilat": "School"}  # fmt: skip
GBV = {"rape": "Rape", "sexual_assault": "Sexual Assault", "physical_assault": "Physical Assault",
       "forced_marriage": "Forced Marriage",
       "denial_of_resources": "Denial of Resources, Opportunities, or Services",
       "psychological_abuse": "Psychological / Emotional Abuse", "non_gbv": "Non-GBV"}  # fmt: skip
PARTNER = "Intimate Partner / Former Partner"
RELATIONSHIP = {
    "suami_istri": PARTNER, "pacar": PARTNER, "mantan_pasangan": PARTNER,
    "orang_tua": "Primary Caregiver",
    "keluarga": "Family other than spouse or caregiver", "majikan": "Supervisor / Employer",
    "guru": "Teacher / School Official", "tetangga": "Family Friend / Neighbour",
    "teman": "Other resident community member", "rekan_kerja": "Other",
    "lainnya": "Other", "tidak_diketahui": "Unknown",
}  # fmt: skip
AGE_GROUP = {"unknown": "Unknown"}
SERVICE_STATUS = {"done": "Service provided by your agency", "planned": "Referred",
                  "in_progress": "Referred", "declined": "Referral declined by survivor",
                  "unavailable": "Service unavailable"}  # fmt: skip
# IR service columns and the centre's service types that answer them.
SERVICE_COLUMNS = [("shelter",), ("health",), ("psychosocial",), (), ("legal_aid",),
                   ("law_enforcement",), ("economic",), ()]  # fmt: skip


def _yes(flag):
    return "Yes" if flag else "No"


def _perpetrator_columns(perpetrators):
    count = sum(p.count for p in perpetrators)
    sexes = {SEX.get(p.sex) for p in perpetrators} - {None}
    first = perpetrators[0] if perpetrators else None
    return [
        "More than 3" if count > 3 else (count or "Unknown"),
        "M and F" if len(sexes) > 1 else (sexes.pop() if sexes else "Unknown"),
        "",
        AGE_GROUP.get(first.age_group, first.age_group) if first else "Unknown",
        RELATIONSHIP.get(first.relationship, "Unknown") if first else "Unknown",
        "",
    ]


def _service_columns(services):
    by_type = {service.type: service.status for service in services}
    out = []
    for types in SERVICE_COLUMNS:
        status = next((by_type[t] for t in types if t in by_type), None)
        out.append(SERVICE_STATUS.get(status, "Service not applicable") if types else "")
    return out


def _row(case, incident, number, earlier):
    survivor = incident.survivor
    place = incident.kelurahan_id or survivor.kelurahan_id or ""
    return [
        f"{case.survivor_code}-{number}",
        f"{case.survivor_code}/{survivor.pk.hex[:4]}",
        "",
        case.opened_at.date().isoformat(),
        incident.occurred_on.isoformat() if incident.occurred_on else "",
        "",
        SEX.get(survivor.sex, ""),
        "",
        "",
        MARITAL.get(survivor.marital_status, "Unknown"),
        NOT_APPLICABLE,
        _yes(classification.has_disability(survivor.wg_answers())),
        "",
        NOT_APPLICABLE,
        TIME.get(incident.time_of_day, "Unknown"),
        LOCATION.get(incident.place_type, "Other"),
        place[:5],
        place[:8],
        place,
        GBV.get(incident.gbv_type, ""),
        _yes(incident.harmful_practice),
        _yes(incident.goods_exchanged),
        "Other abduction" if incident.abducted else "None",
        _yes(incident.reported_elsewhere),
        _yes(earlier),
        *_perpetrator_columns(list(incident.perpetrators.all())),
        "",
        *_service_columns(case.services.all()),
        "Yes",
        str(case.unit_id)[:8],
    ]


def incident_rows(user, start, end):
    """The IR rows of the incidents (on ``start``..``end``) of the cases ``user`` supervises."""
    supervised = Case.objects.restrict(user, Need.SUPERVISE).values("pk")
    rows = []
    for case in cases_with_parts(supervised):
        seen = set()
        for number, incident in enumerate(sorted(case.counted_incidents, key=incident_day), 1):
            if start <= incident_day(incident) <= end:
                rows.append(_row(case, incident, number, incident.survivor_id in seen))
            seen.add(incident.survivor_id)
    return rows


def menu_rows():
    """The answer lists, one column per IR column that has one."""
    lists = {
        "Sex": ["F", "M"],
        "Civil / Marital Status": [*MARITAL.values(), "Unknown"],
        "Incident Time of Day": [*TIME.values(), "Unknown"],
        "Incident Location": sorted({*LOCATION.values(), "Other"}),
        "GBV Type": list(GBV.values()),
        "Alleged Perpetrator - Survivor Relationship": sorted(set(RELATIONSHIP.values())),
        "Alleged Perpetrator Age Group": [
            "0-11",
            "12-17",
            "18-25",
            "26-40",
            "41-60",
            "61+",
            "Unknown",
        ],
        "Services": sorted({*SERVICE_STATUS.values(), "Service not applicable"}),
        "Yes / No": ["Yes", "No"],
    }
    header = list(lists)
    depth = max(len(v) for v in lists.values())
    rows = [
        [values[i] if i < len(values) else "" for values in lists.values()] for i in range(depth)
    ]
    return header, rows
