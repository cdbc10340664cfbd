"""Pages that change a case: open it, its status and workers, clients, incidents,
perpetrators; and the break-glass page with its review queue.

Every page reaches the case through the choke point with ``Need.EDIT`` (break-glass reads
only) and writes through ``lindungi.cases.actions``. Edit forms carry the record's version:
a save that comes after someone else's answers 409 with the form as the user left it and
the differences beside it (``CaseForm.rebase``). New records carry a form token, the key of
``lindungi.core.once`` that the actions take: a second submission of the same form (a
double click, a resend after a timeout) shows the record the first one created instead of
creating a second. The actions own their transactions and locks; these views only render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lindungi.accounts.mfa.devices import check_totp
from lindungi.accounts.roles import Role
from lindungi.audit.events import record
from lindungi.cases import actions
from lindungi.cases.access import (
    CASE_ROLES,
    Need,
    break_glass_target,
    get_case_for,
    get_case_part_for,
)
from lindungi.cases.forms import (
    AssignWorkerForm,
    BreakGlassForm,
    BreakGlassReviewForm,
    CaseStatusForm,
    ClientForm,
    GbvQuestionsForm,
    IncidentForm,
    OpenCaseForm,
    PerpetratorForm,
    gbv_walk,
)
from lindungi.cases.models import BreakGlass, Case, Client, Incident, Perpetrator
from lindungi.cases.vocabulary import ContextFlag, GbvType, ReportingDelay, VulnerableGroup
from lindungi.core.htmx import render_page
from lindungi.core.once import KeyReused, Replayed, SubmitOnce, form_digest

SENT_BEFORE = gettext_lazy(
    "This form was already saved with other values. Reload the page to add another."
)


def _detail(case):
    return reverse("cases:detail", args=[case.pk])


def _on(case):
    """``where`` for a record added to ``case``: the case's page."""
    return lambda _record: _detail(case)


def _province(unit):
    return unit.region_id.split(".")[0]


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- Saving, once ------------------------------------------------------------------------


def _form_key(request, form, where):
    """The key of a new-record form (``lindungi.core.once``): its token, the user's own, on
    this route; a resent form is sent to ``where(result)``, where the first one went."""
    return SubmitOnce(
        request.resolver_match.view_name,
        str(request.user.pk),
        str(form.cleaned_data["form_token"]),
        form_digest(request.POST),
        answer=lambda result: {"url": where(result)},
    )


def _save_new(request, form, save, where, template, context):
    """Save a valid new-record form once: ``save(once)`` calls the action with the form's
    key and returns what the action made, and the answer redirects to ``where(made)``. A
    resent form (a double click, a retry after a timeout) goes where the first one went."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(_form_key(request, form, where))
        except Replayed as earlier:
            messages.info(request, _("This was already saved; here it is."))
            return redirect(earlier.outcome["url"])
        except KeyReused:
            form.add_error(None, SENT_BEFORE)
        except ValidationError as error:
            form.add_action_errors(error)
        else:
            return redirect(where(result))
    return render_page(request, template, {"form": form, **context})


def _add(request, form, create, template, context):
    """``_save_new`` for work made of actions that take no key: ``create()`` runs them and
    returns where the new record is shown."""
    return _save_new(request, form, lambda once: once.run(create), str, template, context)


def _edit(request, form, update, template, context):
    """Save a versioned edit; a stale one answers 409 with the differences."""
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = update(form.cleaned_data["version"], form.changes())
        except actions.StaleVersion as stale:
            form.rebase(stale.current)
            status = 409
        except ValidationError as error:
            form.add_action_errors(error)
        else:
            return saved
    return render_page(request, template, {"form": form, **context}, status=status)


def _labels(choices, values):
    return ", ".join(str(choices(v).label) for v in values) or _("none")


# --- The case ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def open_case(request):
    """A case worker or supervisor opens a case in their active unit, with its survivor."""
    membership = request.membership
    if membership is None or membership.role not in CASE_ROLES:
        raise PermissionDenied
    unit = membership.unit
    form = OpenCaseForm(_posted(request), province_code=_province(unit))

    def save(once):
        case, client = actions.open_case_with_survivor(
            request.user,
            unit,
            form.changes(),
            priority=form.cleaned_data["priority"],
            once=once,
            request=request,
        )
        _saved_message(request, client)
        return case

    return _save_new(request, form, save, _detail, "cases/edit_open_case.html", {})


@login_required
@require_http_methods(["GET", "POST"])
def edit_case(request, case_id):
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = access.case
    assign_form = AssignWorkerForm(case=case) if access.may_supervise else None
    if request.method == "POST" and "worker" in request.POST:
        if not access.may_supervise:
            raise PermissionDenied
        assign_form = AssignWorkerForm(request.POST, case=case)
        if assign_form.is_valid():
            try:
                actions.assign_worker(
                    request.user, case, assign_form.cleaned_data["worker"], request=request
                )
            except ValidationError as error:
                assign_form.add_error("worker", error)
            else:
                messages.success(request, _("The case worker was assigned."))
                return redirect(_detail(case))
        return render_page(
            request,
            "cases/edit_case.html",
            {"form": CaseStatusForm(record=case), "case": case, "assign_form": assign_form},
        )
    form = CaseStatusForm(_posted(request), record=case)
    saved = _edit(
        request,
        form,
        lambda version, changes: actions.update_case(
            request.user, case, version, changes, request=request
        ),
        "cases/edit_case.html",
        {"case": case, "assign_form": assign_form},
    )
    if isinstance(saved, Case):
        messages.success(request, _("The case was saved."))
        return redirect(_detail(case))
    return saved


# --- Clients -----------------------------------------------------------------------------


def _saved_message(request, client):
    groups = client.groups_at_incident()
    messages.success(
        request,
        _("The person was saved. Vulnerable groups: %(groups)s.")
        % {"groups": _labels(VulnerableGroup, sorted(groups))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_client(request, case_id):
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = access.case
    form = ClientForm(_posted(request), case=case, province_code=_province(case.unit))

    def save(once):
        client = actions.add_client(request.user, case, form.changes(), once=once, request=request)
        _saved_message(request, client)
        return client

    return _save_new(request, form, save, _on(case), "cases/edit_client.html", {"case": case})


@login_required
@require_http_methods(["GET", "POST"])
def edit_client(request, client_id):
    access, client = get_case_part_for(request.user, Client, client_id, Need.EDIT, request=request)
    case = access.case
    form = ClientForm(
        _posted(request), case=case, province_code=_province(case.unit), record=client
    )
    saved = _edit(
        request,
        form,
        lambda version, changes: actions.update_client(
            request.user, client, version, changes, request=request
        ),
        "cases/edit_client.html",
        {"case": case, "client": client, "groups": client.groups_at_incident()},
    )
    if isinstance(saved, Client):
        _saved_message(request, saved)
        return redirect(_detail(case))
    return saved


# --- Incidents ---------------------------------------------------------------------------


def _incident_summary(incident):
    """What is worked out from the incident, never typed, in words."""
    return {
        "type": GbvType(incident.gbv_type).label if incident.gbv_type else _("not decided"),
        "flags": _labels(ContextFlag, incident.context_flags),
        "delay": (
            ReportingDelay(incident.reporting_delay).label
            if incident.reporting_delay
            else _("not known")
        ),
    }


def _incident_message(request, incident):
    messages.success(
        request,
        _(
            "The incident was saved. GBVIMS type: %(type)s. Context: %(flags)s. "
            "Time to report: %(delay)s."
        )
        % _incident_summary(incident),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_incident(request, case_id):
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = access.case
    form = IncidentForm(_posted(request), case=case, province_code=_province(case.unit))

    def save(once):
        incident = actions.add_incident(
            request.user, case, form.changes(), once=once, request=request
        )
        _incident_message(request, incident)
        return incident

    return _save_new(request, form, save, _on(case), "cases/edit_incident.html", {"case": case})


@login_required
@require_http_methods(["GET", "POST"])
def edit_incident(request, incident_id):
    access, incident = get_case_part_for(
        request.user, Incident, incident_id, Need.EDIT, request=request
    )
    case = access.case
    form = IncidentForm(
        _posted(request), case=case, province_code=_province(case.unit), record=incident
    )
    saved = _edit(
        request,
        form,
        lambda version, changes: actions.update_incident(
            request.user, incident, version, changes, request=request
        ),
        "cases/edit_incident.html",
        {"case": case, "incident": incident, "summary": _incident_summary(incident)},
    )
    if isinstance(saved, Incident):
        saved.refresh_from_db()
        _incident_message(request, saved)
        return redirect(_detail(case))
    return saved


@login_required
@require_POST
def gbv_next(request):
    """The htmx walk through the GBVIMS questions: the answers so far and the next question.

    POST, so the answers stay out of URLs and logs; it reads and stores nothing.
    """
    if not request.user.memberships.filter(role__in=CASE_ROLES).exists():
        raise PermissionDenied
    form = GbvQuestionsForm(request.POST)
    return render(
        request,
        "cases/forms/gbv.html",
        {"questions": gbv_walk(form), "decided": form.decided_type(), "walk": True},
    )


# --- Perpetrators ------------------------------------------------------------------------


def _perpetrator_saved(request, case, was_restricted):
    case.refresh_from_db()
    if case.restricted and not was_restricted:
        messages.warning(
            request,
            _(
                "The perpetrator is a public employee: the case is now restricted. Only its "
                "named users can see it, and the unit's supervisors have been alerted."
            ),
        )
    else:
        messages.success(request, _("The perpetrator was saved."))
    return _detail(case)


@login_required
@require_http_methods(["GET", "POST"])
def add_perpetrator(request, incident_id):
    access, incident = get_case_part_for(
        request.user, Incident, incident_id, Need.EDIT, request=request
    )
    case = access.case
    form = PerpetratorForm(_posted(request))

    def save(once):
        was_restricted = case.restricted
        perpetrator = actions.add_perpetrator(
            request.user, incident, form.changes(), once=once, request=request
        )
        _perpetrator_saved(request, case, was_restricted)
        return perpetrator

    context = {"case": case, "incident": incident}
    return _save_new(request, form, save, _on(case), "cases/edit_perpetrator.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_perpetrator(request, perpetrator_id):
    access, perpetrator = get_case_part_for(
        request.user, Perpetrator, perpetrator_id, Need.EDIT, request=request
    )
    case = access.case
    form = PerpetratorForm(_posted(request), record=perpetrator)
    was_restricted = case.restricted
    saved = _edit(
        request,
        form,
        lambda version, changes: actions.update_perpetrator(
            request.user, perpetrator, version, changes, request=request
        ),
        "cases/edit_perpetrator.html",
        {"case": case, "incident": perpetrator.incident},
    )
    if isinstance(saved, Perpetrator):
        return redirect(_perpetrator_saved(request, case, was_restricted))
    return saved


# --- Break-glass -------------------------------------------------------------------------


def _supervised_units(user):
    return [m.unit_id for m in user.memberships.all() if m.role == Role.SUPERVISOR]


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request, case_id):
    """A supervisor's emergency access to a case outside their scope.

    The page is the same for every id, existing or not, until the supervisor has given a
    reason and a fresh code: only then does it say whether the case exists.
    """
    if not _supervised_units(request.user):
        # Only supervisors may break the glass; anyone else trying is on record.
        record(
            "case.denied",
            request=request,
            object_type="cases.case",
            object_id=str(case_id),
            fields=["break_glass"],
        )
        raise Http404
    form = BreakGlassForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        # A code is good once: django-otp refuses a time step the device already accepted.
        if check_totp(request.user, form.cleaned_data["code"]) is None:
            form.add_error("code", _("The code is not right or was already used."))
        else:
            return _open_by_break_glass(request, case_id, form)
    return render_page(request, "cases/break_glass.html", {"form": form})


def _open_by_break_glass(request, case_id, form):
    reachable, case = break_glass_target(request.user, case_id)
    if reachable:
        messages.info(request, _("You can already see this case."))
        return redirect(reverse("cases:detail", args=[case_id]))
    if case is None:
        record(
            "case.denied",
            request=request,
            object_type="cases.case",
            object_id=str(case_id),
            fields=["break_glass"],
        )
        return render_page(request, "cases/break_glass_not_found.html", {}, status=404)
    try:
        actions.break_glass(request.user, case, form.cleaned_data["reason"], request=request)
    except ValidationError as error:
        form.add_error("reason", error)
        return render_page(request, "cases/break_glass.html", {"form": form})
    messages.warning(
        request,
        _(
            "You have access to this case for %(hours)s hours, to read it. Another "
            "supervisor will review this access."
        )
        % {"hours": actions.BREAK_GLASS_HOURS},
    )
    return redirect(_detail(case))


@login_required
@require_http_methods(["GET", "POST"])
def break_glass_reviews(request):
    """Pending break-glass uses of the supervisor's units; another supervisor closes each."""
    units = _supervised_units(request.user)
    if not units:
        raise PermissionDenied
    pending = BreakGlass.objects.restrict(request.user, Need.REVIEW).filter(
        reviewed_at__isnull=True
    )
    errors = {}
    if request.method == "POST":
        form = BreakGlassReviewForm(request.POST)
        if form.is_valid():
            grant = pending.filter(pk=form.cleaned_data["grant"]).first()
            if grant is None:
                raise Http404
            try:
                actions.review_break_glass(
                    request.user, grant, form.cleaned_data["note"], request=request
                )
            except PermissionDenied:
                messages.error(request, _("Another supervisor must review your own access."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The review was closed."))
            return redirect("cases:break_glass_reviews")
        errors = {request.POST.get("grant"): form}
    rows = [
        (grant, errors.get(str(grant.pk)) or BreakGlassReviewForm(initial={"grant": grant.pk}))
        for grant in pending.select_related("user", "case").order_by("created_at")
    ]
    return render_page(request, "cases/break_glass_reviews.html", {"rows": rows})


urlpatterns = [
    path("baru/", open_case, name="open"),
    path("<uuid:case_id>/ubah/", edit_case, name="edit_case"),
    path("<uuid:case_id>/klien/baru/", add_client, name="add_client"),
    path("klien/<uuid:client_id>/ubah/", edit_client, name="edit_client"),
    path("<uuid:case_id>/kejadian/baru/", add_incident, name="add_incident"),
    path("kejadian/<uuid:incident_id>/ubah/", edit_incident, name="edit_incident"),
    path("kejadian/gbv/", gbv_next, name="gbv_next"),
    path("kejadian/<uuid:incident_id>/pelaku/baru/", add_perpetrator, name="add_perpetrator"),
    path("pelaku/<uuid:perpetrator_id>/ubah/", edit_perpetrator, name="edit_perpetrator"),
    path("<uuid:case_id>/akses-darurat/", break_glass, name="break_glass"),
    path("akses-darurat/tinjau/", break_glass_reviews, name="break_glass_reviews"),
]
