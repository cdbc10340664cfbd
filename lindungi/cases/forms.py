"""Forms of the case record: what a worker types, checked before an action writes it.

Forms only validate and translate between what the browser sends and what the actions take
(``form.changes()``); every write goes through ``lindungi.cases.actions``.

Edit forms carry the record's version and the values the user started from (a signed hidden
field), so a save that arrives after someone else's is refused and the page can show, field
by field, what changed meanwhile while keeping everything the user typed (``rebase``).
"""

import uuid
from datetime import date

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role
from lindungi.cases.actions import REPORTED_ON_REQUIRED, client_phone
from lindungi.cases.classification import GBV_QUESTIONS, gbv_type
from lindungi.cases.models import (
    Client,
    ClientRole,
    Incident,
    Perpetrator,
    Priority,
    Status,
)
from lindungi.cases.vocabulary import WG_DOMAINS, Accommodation, TpksForm, ViolenceType
from lindungi.core.blind_index import normalise_nik
from lindungi.core.dates import past_date
from lindungi.core.widgets import HtmlInputsForm
from lindungi.places.models import Region, RegionLevel

STARTED_SALT = "lindungi.cases.forms.started"
ADDRESS_MAX = 500
DESCRIPTION_MAX = 10_000
YES, NO = "yes", "no"
RELOAD = _("The form is incomplete or out of date. Reload the page and enter your changes again.")
YES_NO = [(YES, _("Yes")), (NO, _("No"))]


def model_field(model, name, **overrides):
    """The model field's own form field: its label, choices and length limit."""
    return model._meta.get_field(name).formfield(**overrides)


def radios(model, name, **overrides):
    field = model_field(model, name, widget=forms.RadioSelect, **overrides)
    # A radio group needs no "---------" option: leaving all unticked says "not known".
    field.choices = [(value, label) for value, label in field.choices if value != ""]
    return field


def kelurahan_field(province_code, current=None):
    """Kelurahan of the unit's province, grouped by kecamatan so a select is usable
    without JavaScript. A saved value outside the province stays choosable."""
    scope = Q(level=RegionLevel.VILLAGE, code__startswith=f"{province_code}.")
    if current:
        scope |= Q(pk=current)
    queryset = Region.objects.filter(scope).select_related("parent", "parent__parent")
    field = forms.ModelChoiceField(
        queryset=queryset,
        required=False,
        label=_("Kelurahan"),
        help_text=_("Listed by kecamatan."),
    )
    groups = {}
    for region in queryset.order_by("parent__parent__name", "parent__name", "name"):
        kecamatan = region.parent
        key = f"{kecamatan.parent.name} · {kecamatan.name}" if kecamatan else ""
        groups.setdefault(key, []).append((region.pk, region.name))
    field.widget.choices = [("", _("Not known")), *groups.items()]
    return field


# --- Comparing what the user started from with what is saved now ------------------------


def as_data(value):
    """A value as the browser sends it back: a sorted list of strings (comparable)."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    if isinstance(value, Model):
        return [str(value.pk)]
    if isinstance(value, date):
        return [value.isoformat()]
    return [str(value)]


def display(field, raw):
    """What a value looks like to a person: choice labels, yes/no, or the text itself."""
    if isinstance(field, forms.BooleanField):
        return _("Yes") if raw == ["True"] else _("No")
    if not raw:
        return _("(empty)")
    labels = {}
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        for value, label in field.widget.choices:
            if isinstance(label, list | tuple):
                labels.update({str(v): str(sub) for v, sub in label})
            else:
                labels[str(value)] = str(label)
    return ", ".join(labels.get(item, item) for item in raw)


class CaseForm(HtmlInputsForm):
    """A form for one case record; ``record`` given means editing it (versioned)."""

    # (legend, field names); a legend of None puts the fields outside any fieldset.
    sections = ()

    def __init__(self, data=None, *, record=None, **kwargs):
        self.record = record
        self.conflicts = None
        super().__init__(data, **kwargs)
        self.add_fields()
        self.fit_fields()
        self.order_fields([n for _legend, names in self.sections for n in names])
        if record is None:
            # A new record: a token makes a repeated submission recognisable.
            self.fields["form_token"] = forms.UUIDField(
                label=_("Form"),
                widget=forms.HiddenInput,
                initial=uuid.uuid4,
                error_messages={"required": RELOAD, "invalid": RELOAD},
            )
        else:
            initial = self.initial_from(record)
            self.initial.update(initial)
            reload = {"required": RELOAD, "invalid": RELOAD, "min_value": RELOAD}
            self.fields["version"] = forms.IntegerField(
                label=_("Form"),
                widget=forms.HiddenInput,
                min_value=1,
                initial=record.version,
                error_messages=reload,
            )
            self.fields["started"] = forms.CharField(
                label=_("Form"),
                widget=forms.HiddenInput,
                initial=self.sign(initial),
                error_messages=reload,
            )

    # What each form defines ---------------------------------------------------------------

    def add_fields(self):
        """Fields that depend on the case, the unit or the record."""

    def initial_from(self, record):
        """The form's values for a saved ``record``."""
        return {name: getattr(record, name) for name in self.data_fields()}

    def changes(self):
        """The cleaned values, as the action takes them."""
        return {name: self.cleaned_data[name] for name in self.data_fields()}

    # The machinery ------------------------------------------------------------------------

    def data_fields(self):
        return [n for n in self.fields if n not in ("form_token", "version", "started")]

    def grouped(self):
        """(legend, [bound fields]) for the template, in the order of ``sections``."""
        return [
            (legend, [self[n] for n in names if n in self.fields])
            for legend, names in self.sections
        ]

    def sign(self, initial):
        started = {name: as_data(initial.get(name)) for name in self.data_fields()}
        return signing.dumps(started, salt=STARTED_SALT, compress=True)

    def started_values(self):
        try:
            return signing.loads(self.data.get("started", ""), salt=STARTED_SALT)
        except signing.BadSignature:
            return {}

    def clean_started(self):
        value = self.cleaned_data["started"]
        if self.started_values() == {} and value:
            raise ValidationError(RELOAD)
        return value

    def _user_changed(self, name, before):
        field = self.fields[name]
        hidden = before if isinstance(field, forms.MultipleChoiceField) else (before or [""])[0]
        try:
            return field.has_changed(field.to_python(hidden), self[name].data)
        except ValidationError:
            return True

    def rebase(self, current):
        """After a stale save: set the form on the ``current`` record, keep what the user
        changed, take over what only the other person changed, and list the differences.

        ``conflicts`` holds, per field someone else changed, their value, the user's value
        and whether the user's value was kept (they changed it too) or theirs taken over.
        """
        theirs = self.initial_from(current)
        started = self.started_values()
        data = self.data.copy()
        self.conflicts = []
        for name in self.data_fields():
            field, before, after = self.fields[name], started.get(name, []), as_data(theirs[name])
            if before == after:
                continue
            mine = as_data(self.cleaned_data.get(name))
            kept = self._user_changed(name, before) and mine != after
            self.conflicts.append(
                {
                    "field": name,
                    "label": field.label,
                    "theirs": display(field, after),
                    "mine": display(field, mine),
                    "kept": kept,
                }
            )
            if not kept:
                data.setlist(self.add_prefix(name), self.raw_for(name, after))
        data["version"] = str(current.version)
        data["started"] = self.sign(theirs)
        self.data = data
        self.record = current

    def raw_for(self, name, values):
        """What the browser sends for ``values`` (a check box sends nothing when unticked)."""
        if isinstance(self.fields[name], forms.BooleanField):
            return ["on"] if values == ["True"] else []
        return values

    def add_action_errors(self, error):
        """Put an action's ValidationError beside the fields it names."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)


class ClientForm(CaseForm):
    role = radios(Client, "role")
    guardian_of = forms.ModelChoiceField(
        queryset=Client.objects.none(),
        required=False,
        label=_("Guardian of"),
        help_text=_("Only for a guardian: the child they are responsible for."),
    )
    name = model_field(Client, "name", required=False)
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=32,
        help_text=_("16 digits, from the identity card or family card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=32,
        help_text=_("E.g. 0812-3456-7890; a number abroad with + and its country code."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address_detail = forms.CharField(
        label=_("Address detail"),
        required=False,
        max_length=ADDRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    birth_date = past_date(_("Date of birth"))
    age_estimate = forms.IntegerField(
        label=_("Age (estimate)"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Only when the date of birth is not known."),
    )
    sex = radios(Client, "sex")
    occupation = model_field(Client, "occupation")
    education = model_field(Client, "education")
    marital_status = model_field(Client, "marital_status")
    accommodations = forms.MultipleChoiceField(
        label=_("Accommodations needed"),
        required=False,
        choices=Accommodation.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    sections = (
        (_("Role"), ["role", "guardian_of"]),
        (_("Identity"), ["name", "nik", "phone", "address_detail", "kelurahan"]),
        (_("Age and sex"), ["birth_date", "age_estimate", "sex"]),
        (_("Background"), ["occupation", "education", "marital_status"]),
        (
            _("Functioning (Washington Group questions)"),
            [f"wg_{domain}" for domain, _label in WG_DOMAINS] + ["accommodations"],
        ),
    )

    def __init__(self, data=None, *, case, province_code, record=None, **kwargs):
        self.case, self.province_code = case, province_code
        super().__init__(data, record=record, **kwargs)

    def add_fields(self):
        for domain, _label in WG_DOMAINS:
            self.fields[f"wg_{domain}"] = radios(Client, f"wg_{domain}", required=False)
        self.fields["kelurahan"] = kelurahan_field(
            self.province_code, self.record.kelurahan_id if self.record else None
        )
        others = Client.objects.filter(case=self.case) if self.case else Client.objects.none()
        if self.record is not None:
            others = others.exclude(pk=self.record.pk)
        self.fields["guardian_of"].queryset = others
        self.fields["guardian_of"].label_from_instance = lambda c: c.name or str(c)

    def clean_nik(self):
        value = self.cleaned_data["nik"].strip()
        return normalise_nik(value) if value else ""

    def clean_phone(self):
        return client_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if data.get("birth_date") and data.get("age_estimate") is not None:
            self.add_error(
                "age_estimate",
                _("Give the date of birth or an age estimate, not both."),
            )
        if data.get("guardian_of") and data.get("role") != ClientRole.GUARDIAN:
            self.add_error("guardian_of", _("Only a guardian is the guardian of someone."))
        return data

    def changes(self):
        changes = super().changes()
        changes["accommodations"] = sorted(changes["accommodations"])
        return changes


class OpenCaseForm(ClientForm):
    """A new case with its first survivor."""

    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM
    )

    sections = ((_("The case"), ["priority"]), *ClientForm.sections[1:])

    def __init__(self, data=None, *, province_code, **kwargs):
        super().__init__(data, case=None, province_code=province_code, **kwargs)

    def add_fields(self):
        super().add_fields()
        del self.fields["role"], self.fields["guardian_of"]

    def changes(self):
        changes = super().changes()
        changes.pop("priority")
        changes["role"] = ClientRole.SURVIVOR
        return changes


class CaseStatusForm(CaseForm):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, widget=forms.RadioSelect)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, widget=forms.RadioSelect
    )
    sections = ((None, ["status", "priority"]),)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Closing needs a supervisor's approval and reopening a reason: they have their own
        # pages. The current status stays listed so the form shows where the case stands.
        current = self.record.status if self.record is not None else None
        self.fields["status"].choices = [
            (value, label)
            for value, label in Status.choices
            if value not in (Status.CLOSED, Status.REOPENED) or value == current
        ]


class AssignWorkerForm(forms.Form):
    worker = forms.ModelChoiceField(queryset=None, label=_("Case worker"))

    def __init__(self, data=None, *, case, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["worker"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__unit_id=case.unit_id,
                memberships__role=Role.CASE_WORKER,
            )
            .exclude(case_assignments__case=case)
            .distinct()
            .order_by("display_name")
        )
        self.fields["worker"].label_from_instance = lambda u: u.display_name


def gbv_field_name(gbv):
    return f"gbv_{gbv}"


GBV_FIELDS = [gbv_field_name(gbv) for gbv, _question in GBV_QUESTIONS]


def gbv_answers(data):
    """The yes/no answers up to the first yes, keyed by type (later ones do not count)."""
    answers = {}
    for gbv, _question in GBV_QUESTIONS:
        answer = data.get(gbv_field_name(gbv))
        if answer not in (YES, NO):
            break
        answers[str(gbv)] = answer == YES
        if answer == YES:
            break
    return answers


def gbv_walk(form):
    """The questions to show one at a time: those answered up to the first yes, then the
    next one (after a "no"). Used by the htmx walk; without JavaScript all six show."""
    shown = []
    for name in GBV_FIELDS:
        shown.append(form[name])
        value = form[name].value()
        if value != NO:
            break
    return shown


def add_gbv_fields(form):
    for gbv, question in GBV_QUESTIONS:
        form.fields[gbv_field_name(gbv)] = forms.ChoiceField(
            label=question, choices=YES_NO, required=False, widget=forms.RadioSelect
        )


class GbvQuestionsForm(forms.Form):
    """The six GBVIMS questions alone, for the htmx walk through them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_gbv_fields(self)

    def decided_type(self):
        return gbv_type(gbv_answers(self.data))


class IncidentForm(CaseForm):
    survivor = forms.ModelChoiceField(queryset=Client.objects.none(), label=_("Survivor"))
    occurred_on = past_date(_("Date of the incident"))
    date_is_estimate = model_field(Incident, "date_is_estimate")
    time_of_day = radios(Incident, "time_of_day")
    reported_on = past_date(
        _("Date reported"), help_text=_("Leave empty for the day the case was opened.")
    )
    place_type = model_field(Incident, "place_type")
    description = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("In the survivor's words where possible. Stored encrypted."),
    )
    violence_types = forms.MultipleChoiceField(
        label=_("SIMFONI violence types"),
        choices=ViolenceType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    tpks_forms = forms.MultipleChoiceField(
        label=_("UU TPKS forms"),
        required=False,
        choices=TpksForm.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for sexual violence."),
    )
    goods_exchanged = model_field(Incident, "goods_exchanged")
    abducted = model_field(Incident, "abducted")
    harmful_practice = model_field(Incident, "harmful_practice")
    reported_elsewhere = model_field(Incident, "reported_elsewhere")

    sections = (
        (None, ["survivor"]),
        (
            _("When and where"),
            [
                "occurred_on",
                "date_is_estimate",
                "time_of_day",
                "reported_on",
                "place_type",
                "kelurahan",
            ],
        ),
        (None, ["description"]),
        ("gbv", GBV_FIELDS),
        (_("Type of violence"), ["violence_types", "tpks_forms"]),
        (
            _("Circumstances"),
            ["goods_exchanged", "abducted", "harmful_practice", "reported_elsewhere"],
        ),
    )

    def __init__(self, data=None, *, case, province_code, record=None, **kwargs):
        self.case, self.province_code = case, province_code
        super().__init__(data, record=record, **kwargs)

    def add_fields(self):
        add_gbv_fields(self)
        self.fields["kelurahan"] = kelurahan_field(
            self.province_code, self.record.kelurahan_id if self.record else None
        )
        self.fields["survivor"].queryset = Client.objects.filter(case=self.case)
        self.fields["survivor"].label_from_instance = lambda c: c.name or str(c)
        if self.record is not None:
            # A saved report date is shown in the field: emptying it is a mistake to point
            # out, never a reason to put in another date.
            reported = self.fields["reported_on"]
            reported.required = True
            reported.help_text = ""
            reported.error_messages["required"] = REPORTED_ON_REQUIRED

    def initial_from(self, record):
        initial = {
            name: getattr(record, name) for name in self.data_fields() if name not in GBV_FIELDS
        }
        answers = record.gbv_answers or {}
        for gbv, _question in GBV_QUESTIONS:
            answer = answers.get(str(gbv))
            initial[gbv_field_name(gbv)] = "" if answer is None else (YES if answer else NO)
        return initial

    def clean(self):
        data = super().clean()
        answered = [data.get(name) in (YES, NO) for name in GBV_FIELDS]
        decided = gbv_answers(data)
        if any(answered[len(decided) :]) and not any(decided.values()):
            first_open = GBV_FIELDS[len(decided)]
            self.add_error(first_open, _("Answer the questions in order: this one first."))
        return data

    def changes(self):
        changes = {
            name: self.cleaned_data[name] for name in self.data_fields() if name not in GBV_FIELDS
        }
        changes["gbv_answers"] = gbv_answers(self.cleaned_data)
        changes["violence_types"] = sorted(changes["violence_types"])
        changes["tpks_forms"] = sorted(changes["tpks_forms"])
        return changes

    def gbv_fields(self):
        return [self[name] for name in GBV_FIELDS]


class PerpetratorForm(CaseForm):
    count = forms.IntegerField(
        label=_("Number of perpetrators"), min_value=1, max_value=100, initial=1
    )
    sex = radios(Perpetrator, "sex")
    age_group = model_field(Perpetrator, "age_group")
    relationship = model_field(
        Perpetrator,
        "relationship",
        help_text=_(
            "A husband or wife, a boyfriend or girlfriend, or a former one: the incident "
            "counts as intimate partner violence."
        ),
    )
    occupation = model_field(Perpetrator, "occupation")
    name = model_field(
        Perpetrator, "name", required=False, help_text=_("Optional. Stored encrypted.")
    )
    public_employment = model_field(
        Perpetrator,
        "public_employment",
        help_text=_(
            "A public employee or contract worker: the case is restricted at once and the "
            "unit's supervisors are alerted."
        ),
    )
    employing_agency = model_field(Perpetrator, "employing_agency")

    sections = (
        (
            None,
            ["count", "sex", "age_group", "relationship", "occupation", "name"],
        ),
        (_("Public employment"), ["public_employment", "employing_agency"]),
    )

    def clean(self):
        data = super().clean()
        if data.get("public_employment") and not (data.get("employing_agency") or "").strip():
            self.add_error(
                "employing_agency", _("Name the agency that employs this public employee.")
            )
        return data


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this case now?"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Another supervisor reads this when they review your access."),
    )
    code = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}
        ),
    )


class BreakGlassReviewForm(forms.Form):
    grant = forms.UUIDField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Review note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Was the access justified? What follows from it?"),
    )
