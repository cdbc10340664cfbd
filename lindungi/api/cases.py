"""The case API: cases, clients, incidents and perpetrators.

Thin on purpose: every record comes through the access choke point (a 404, audited, for
anything out of scope), every write through an action in ``lindungi.cases.actions``,
every read of case-bound data is audited, and every record travels with its version as
an ETag (``lindungi.api.versions``).
"""

from enum import Enum
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status as Reply

from lindungi.api.auth import StaffRequest
from lindungi.api.case_schemas import (
    CaseOut,
    CasePage,
    CasePatch,
    ClientIn,
    ClientOut,
    ClientPatch,
    IncidentIn,
    IncidentOut,
    IncidentPatch,
    PerpetratorIn,
    PerpetratorOut,
    PerpetratorPatch,
    RecordId,
)
from lindungi.api.errors import ErrorOut
from lindungi.api.versions import etag, list_etag, read_all, required_version
from lindungi.audit.events import record, record_read
from lindungi.cases import actions
from lindungi.cases.access import CaseAccess, Need, get_case_for, get_case_part_for
from lindungi.cases.models import Case, Client, Incident, Perpetrator, Priority, Status
from lindungi.cases.queries.paging import merged_rows, own_parts
from lindungi.places.villages import village

router = Router(tags=["cases"])

PAGE_SIZE = 50
# Far past any deployment (fifty million cases), and an offset every database takes: an
# unbounded page number reached the database as an offset it refused (a 500).
MAX_PAGE = 1_000_000
READ = {401: ErrorOut, 404: ErrorOut}
WRITE = {**READ, 403: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut}
CREATE = {**READ, 403: ErrorOut, 422: ErrorOut}
# A record as it goes on the wire: field name -> value, checked by the route's schema.
Body = dict[str, Any]
# The records that travel with their version, each in its own list.
Record = TypeVar("Record", Client, Incident, Perpetrator)


# --- Shapes ------------------------------------------------------------------------------


def _summary(case: Case) -> Body:
    return {
        "id": case.pk,
        "survivor_code": case.survivor_code,
        "unit_id": case.unit_id,
        "unit_name": case.unit.name,
        "status": case.status,
        "priority": case.priority,
        "restricted": case.restricted,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "version": case.version,
    }


def _case(access: CaseAccess) -> Body:
    return {
        **_summary(access.case),
        "may_edit": access.may_edit,
        "may_read_content": access.may_read_content,
        "access_via": sorted(access.via),
        "break_glass_until": access.break_glass_until,
    }


def _content(obj: Model, access: CaseAccess, *names: str) -> Body:
    """Names, contact details and narratives: null for a reader the access module does not
    let read them (break-glass), exactly as the pages leave them out."""
    return {name: getattr(obj, name) if access.may_read_content else None for name in names}


def _client(client: Client, access: CaseAccess) -> Body:
    data = {
        name: getattr(client, name)
        for name in (
            "id case_id role birth_date age_estimate sex occupation education marital_status "
            "wg_seeing wg_hearing wg_walking wg_remembering wg_self_care wg_communicating "
            "accommodations version"
        ).split()
    }
    data.update(guardian_of=client.guardian_of_id, kelurahan=client.kelurahan_id)
    data.update(_content(client, access, "name", "nik", "phone", "address_detail"))
    data["vulnerable_groups"] = sorted(client.groups_at_incident())
    return data


def _incident(incident: Incident, access: CaseAccess) -> Body:
    data = {
        name: getattr(incident, name)
        for name in (
            "id case_id occurred_on date_is_estimate time_of_day reported_on place_type "
            "gbv_answers gbv_type violence_types tpks_forms goods_exchanged abducted "
            "harmful_practice context_flags reporting_delay reported_elsewhere version"
        ).split()
    }
    data.update(survivor=incident.survivor_id, kelurahan=incident.kelurahan_id)
    data.update(_content(incident, access, "description"))
    return data


def _perpetrator(perpetrator: Perpetrator, access: CaseAccess) -> Body:
    data = {
        name: getattr(perpetrator, name)
        for name in (
            "id incident_id count sex age_group relationship intimate_partner occupation "
            "public_employment employing_agency version"
        ).split()
    }
    data.update(_content(perpetrator, access, "name"))
    return data


# --- Input -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Code-list members as their stored codes, inside lists and dict keys too."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    return value


def _changes(payload: Schema, case: Case) -> Body:
    """The fields the client sent, as the actions take them (records for references)."""
    data = {key: _plain(value) for key, value in payload.model_dump(exclude_unset=True).items()}
    if data.get("kelurahan") is not None:
        data["kelurahan"] = village(data["kelurahan"])
        if data["kelurahan"] is None:
            raise ValidationError({"kelurahan": _("Choose a kelurahan from the list.")})
    for field in ("guardian_of", "survivor"):
        if data.get(field) is not None:
            data[field] = case.clients.filter(pk=data[field]).first()
            if data[field] is None:
                raise ValidationError({field: _("Choose a person of this case.")})
    return data


def _tagged(
    response: HttpResponse, obj: Client | Incident | Perpetrator | Case, body: Body
) -> Body:
    response["ETag"] = etag(obj.version)
    return body


def _created(
    response: HttpResponse, obj: Client | Incident | Perpetrator, url_name: str, body: Body
) -> Reply:
    response["ETag"] = etag(obj.version)
    response["Location"] = reverse(f"api:{url_name}", args=[obj.pk])
    return Reply(201, body)


# --- Cases -------------------------------------------------------------------------------


@router.get("/cases", response={200: CasePage, **READ}, url_name="cases")
def list_cases(
    request: StaffRequest,
    response: HttpResponse,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    status: Status | None = None,
    priority: Priority | None = None,
) -> Body:
    """The cases you may see, newest first, by survivor code (never by name)."""
    cases = Case.objects.restrict(request.auth).select_related("unit")
    filters = {key: value for key, value in (("status", status), ("priority", priority)) if value}
    # A case worker's list (and its count) goes through their own cases, as the caseload
    # does: counting every case of the unit to find theirs took 0.3 s at 100,000 cases.
    parts = own_parts(cases.filter(**filters), request.auth)
    count = sum(part.count() for part, _opened in parts)
    order = [("opened_at", True), ("pk", False)]
    rows = merged_rows(parts, order, PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    # One row for the list, naming the filters used; opening a case is audited on its own.
    record("case.list", request=request, object_type="cases.case", fields=sorted(filters))
    response["ETag"] = list_etag(rows)
    return {
        "count": count,
        "page": page,
        "page_size": PAGE_SIZE,
        "items": [_summary(case) for case in rows],
    }


@router.get("/cases/{case_id}", response={200: CaseOut, **READ}, url_name="case")
def read_case(request: StaffRequest, case_id: RecordId, response: HttpResponse) -> Body:
    access = get_case_for(request.auth, case_id, request=request)
    record_read(request, access.case)
    return _tagged(response, access.case, _case(access))


@router.patch("/cases/{case_id}", response={200: CaseOut, **WRITE}, url_name="case")
def update_case(
    request: StaffRequest, case_id: RecordId, payload: CasePatch, response: HttpResponse
) -> Body:
    """Change status or priority. Send the case's ETag in If-Match."""
    access = get_case_for(request.auth, case_id, Need.EDIT, request=request)
    case = access.case
    version = required_version(request)
    changes = _changes(payload, case)
    case = actions.update_case(request.auth, case, version, changes, request=request)
    # closed_at is set beside the row the action locked
    access = get_case_for(request.auth, case.pk, request=request)
    return _tagged(response, access.case, _case(access))


# --- Clients -----------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/clients", response={200: list[ClientOut], **READ}, url_name="case_clients"
)
def list_clients(request: StaffRequest, case_id: RecordId, response: HttpResponse) -> list[Body]:
    access = get_case_for(request.auth, case_id, request=request)
    rows = list(access.case.clients.all())
    return read_all(request, response, rows, lambda client: _client(client, access))


@router.post(
    "/cases/{case_id}/clients", response={201: ClientOut, **CREATE}, url_name="case_clients"
)
def add_client(
    request: StaffRequest, case_id: RecordId, payload: ClientIn, response: HttpResponse
) -> Reply:
    access = get_case_for(request.auth, case_id, Need.EDIT, request=request)
    case = access.case
    client = actions.add_client(request.auth, case, _changes(payload, case), request=request)
    return _created(response, client, "client", _client(client, access))


@router.get("/clients/{client_id}", response={200: ClientOut, **READ}, url_name="client")
def read_client(request: StaffRequest, client_id: RecordId, response: HttpResponse) -> Body:
    access, client = get_case_part_for(request.auth, Client, client_id, request=request)
    record_read(request, client)
    return _tagged(response, client, _client(client, access))


@router.patch("/clients/{client_id}", response={200: ClientOut, **WRITE}, url_name="client")
def update_client(
    request: StaffRequest, client_id: RecordId, payload: ClientPatch, response: HttpResponse
) -> Body:
    access, client = get_case_part_for(request.auth, Client, client_id, Need.EDIT, request=request)
    case = access.case
    version = required_version(request)
    changes = _changes(payload, case)
    client = actions.update_client(request.auth, client, version, changes, request=request)
    return _tagged(response, client, _client(client, access))


# --- Incidents ---------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/incidents",
    response={200: list[IncidentOut], **READ},
    url_name="case_incidents",
)
def list_incidents(request: StaffRequest, case_id: RecordId, response: HttpResponse) -> list[Body]:
    access = get_case_for(request.auth, case_id, request=request)
    rows = list(access.case.incidents.all())
    return read_all(request, response, rows, lambda row: _incident(row, access))


@router.post(
    "/cases/{case_id}/incidents", response={201: IncidentOut, **CREATE}, url_name="case_incidents"
)
def add_incident(
    request: StaffRequest, case_id: RecordId, payload: IncidentIn, response: HttpResponse
) -> Reply:
    access = get_case_for(request.auth, case_id, Need.EDIT, request=request)
    case = access.case
    incident = actions.add_incident(request.auth, case, _changes(payload, case), request=request)
    return _created(response, incident, "incident", _incident(incident, access))


@router.get("/incidents/{incident_id}", response={200: IncidentOut, **READ}, url_name="incident")
def read_incident(request: StaffRequest, incident_id: RecordId, response: HttpResponse) -> Body:
    access, incident = get_case_part_for(request.auth, Incident, incident_id, request=request)
    record_read(request, incident)
    return _tagged(response, incident, _incident(incident, access))


@router.patch("/incidents/{incident_id}", response={200: IncidentOut, **WRITE}, url_name="incident")
def update_incident(
    request: StaffRequest, incident_id: RecordId, payload: IncidentPatch, response: HttpResponse
) -> Body:
    access, incident = get_case_part_for(
        request.auth, Incident, incident_id, Need.EDIT, request=request
    )
    case = access.case
    version = required_version(request)
    changes = _changes(payload, case)
    incident = actions.update_incident(request.auth, incident, version, changes, request=request)
    return _tagged(response, incident, _incident(incident, access))


# --- Perpetrators ------------------------------------------------------------------------


@router.get(
    "/incidents/{incident_id}/perpetrators",
    response={200: list[PerpetratorOut], **READ},
    url_name="incident_perpetrators",
)
def list_perpetrators(
    request: StaffRequest, incident_id: RecordId, response: HttpResponse
) -> list[Body]:
    access, incident = get_case_part_for(request.auth, Incident, incident_id, request=request)
    rows = list(incident.perpetrators.all())
    return read_all(request, response, rows, lambda row: _perpetrator(row, access))


@router.post(
    "/incidents/{incident_id}/perpetrators",
    response={201: PerpetratorOut, **CREATE},
    url_name="incident_perpetrators",
)
def add_perpetrator(
    request: StaffRequest, incident_id: RecordId, payload: PerpetratorIn, response: HttpResponse
) -> Reply:
    access, incident = get_case_part_for(
        request.auth, Incident, incident_id, Need.EDIT, request=request
    )
    case = access.case
    perpetrator = actions.add_perpetrator(
        request.auth, incident, _changes(payload, case), request=request
    )
    return _created(response, perpetrator, "perpetrator", _perpetrator(perpetrator, access))


@router.get(
    "/perpetrators/{perpetrator_id}", response={200: PerpetratorOut, **READ}, url_name="perpetrator"
)
def read_perpetrator(
    request: StaffRequest, perpetrator_id: RecordId, response: HttpResponse
) -> Body:
    access, perpetrator = get_case_part_for(
        request.auth, Perpetrator, perpetrator_id, request=request
    )
    record_read(request, perpetrator)
    return _tagged(response, perpetrator, _perpetrator(perpetrator, access))


@router.patch(
    "/perpetrators/{perpetrator_id}",
    response={200: PerpetratorOut, **WRITE},
    url_name="perpetrator",
)
def update_perpetrator(
    request: StaffRequest,
    perpetrator_id: RecordId,
    payload: PerpetratorPatch,
    response: HttpResponse,
) -> Body:
    access, perpetrator = get_case_part_for(
        request.auth, Perpetrator, perpetrator_id, Need.EDIT, request=request
    )
    case = access.case
    version = required_version(request)
    perpetrator = actions.update_perpetrator(
        request.auth, perpetrator, version, _changes(payload, case), request=request
    )
    return _tagged(response, perpetrator, _perpetrator(perpetrator, access))
