"""The staff intake form: one report, the people hurt as a repeatable group, and the
triage forms. Built for a call-taker on a keyboard: native controls only, radio groups for
yes / no / not asked, and every length capped with a message in the user's language.

The public form has its own forms (``public_forms.py``): it asks less.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.roles import UnitType
from lindungi.cases.contact_fields import SHORT_MAX, StaffContactFields, TristateField
from lindungi.cases.vocabulary import WG_DOMAINS, Accommodation, Difficulty, Sex
from lindungi.core.dates import past_date
from lindungi.intake.models import Channel, ReporterType
from lindungi.intake.risk import SCREENING, Risk
from lindungi.places.models import Region, RegionLevel, ServicePoint
from lindungi.places.villages import village

# Caps: long enough for any real account, short enough that 1 MB of text is refused
# (SHORT_MAX is the contact fields').
NARRATIVE_MAX = 20_000
REASON_MAX = 2_000
MAX_PEOPLE = 20
MAX_AGE = 120

STAFF_CHANNELS = [c for c in Channel.choices if c[0] not in (Channel.ONLINE, Channel.API)]

# The channel an officer of each kind of unit most often takes reports through.
DEFAULT_CHANNEL = {
    UnitType.CALL_CENTRE_112: Channel.CALL_112,
    UnitType.COMPLAINT_POST: Channel.COMPLAINT_POST,
    UnitType.UPTD_PPA: Channel.WALK_IN,
    UnitType.RAPID_RESPONSE: Channel.OUTREACH,
}

SCREENING_QUESTIONS = {
    "in_danger_now": _("Is the person in danger now?"),
    "perpetrator_nearby": _("Is the perpetrator present or nearby?"),
    "weapon_or_threat": _("Was a weapon used, or were there threats to kill?"),
    "injuries": _("Are there injuries that need care?"),
    "child_alone": _("Is a child or a dependant left alone?"),
    "self_harm": _("Are there thoughts of self-harm?"),
    "sexual_violence_72h": _("Was there sexual violence in the last 72 hours?"),
}


SCREENING_ANSWERS = {True: _("Yes"), False: _("No"), None: _("Not asked")}


def screening_answers(record):
    """[(question, answer)] of a report or a case's first account, in the asking order."""
    return [
        (question, SCREENING_ANSWERS[getattr(record, name)])
        for name, question in SCREENING_QUESTIONS.items()
    ]


class KelurahanField(forms.CharField):
    """A kelurahan by its Kemendagri code; the widget is a <select> grouped by kecamatan.

    Any existing kelurahan is accepted (a caller may be anywhere); an unknown code is
    refused with a message that does not repeat what was sent.
    """

    widget = forms.Select

    def __init__(self, **kwargs):
        super().__init__(max_length=13, required=False, **kwargs)

    def prepare_value(self, value):
        return getattr(value, "pk", value)

    def widget_attrs(self, widget):
        return {}  # no maxlength on a <select>

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        region = village(code)
        if region is None:
            raise forms.ValidationError(
                _("This kelurahan code is not known. Choose a kelurahan from the list."),
                code="unknown_kelurahan",
            )
        return region


def kelurahan_groups(province_code, query="", selected=None, limit=None):
    """Kelurahan for the <select>, grouped by kecamatan (and its city): [(label, options)].

    ``query`` narrows to kelurahan whose own name or whose kecamatan's name contains it.
    """
    regions = Region.objects.filter(level=RegionLevel.VILLAGE).select_related(
        "parent", "parent__parent"
    )
    if province_code:
        regions = regions.filter(code__startswith=f"{province_code}.")
    query = (query or "").strip()
    if query:
        regions = regions.filter(Q(name__icontains=query) | Q(parent__name__icontains=query))
    regions = list(regions.order_by("parent__parent__name", "parent__name", "name")[:limit])
    if selected is not None and selected not in regions:
        regions.insert(0, selected)
    groups = {}
    for region in regions:
        district = region.parent
        label = f"{district.name} — {district.parent.name}" if district.parent else district.name
        groups.setdefault(label, []).append((region.code, region.name))
    return list(groups.items())


def kelurahan_choices(province_code, selected=None):
    return [("", _("— choose a kelurahan —")), *kelurahan_groups(province_code, selected=selected)]


class StaffReportForm(StaffContactFields):
    """Everything about the report except the people hurt (a formset beside it)."""

    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)
    service_point = forms.ModelChoiceField(
        label=_("Service point"),
        queryset=ServicePoint.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    reporter_type = forms.ChoiceField(
        label=_("Who reports"),
        choices=ReporterType.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    reporter_relation = forms.CharField(
        label=_("Relation to the survivor"), max_length=100, required=False
    )
    reporter_name = forms.CharField(
        label=_("Reporter's name (if given)"), max_length=SHORT_MAX, required=False
    )
    what_happened = forms.CharField(
        label=_("What happened"),
        max_length=NARRATIVE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    occurred_on = past_date(_("Date it happened"))
    occurred_estimate = forms.CharField(
        label=_("Or, roughly when"),
        help_text=_("For example: last week, since March, every night."),
        max_length=100,
        required=False,
    )
    kelurahan = KelurahanField(label=_("Kelurahan"))
    street_detail = forms.CharField(
        label=_("Street and place (optional)"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    people_affected = forms.IntegerField(
        label=_("How many people are hurt"), min_value=0, max_value=999, required=False
    )
    consent_contact = forms.BooleanField(label=_("Consents to be contacted"), required=False)
    consent_services = forms.BooleanField(label=_("Consents to receive services"), required=False)
    consent_statistics = forms.BooleanField(
        label=_("Consents to non-identifying data in the statistics"), required=False
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SCREENING:
            self.fields[name] = TristateField(label=SCREENING_QUESTIONS[name])
        self.fields["service_point"].queryset = ServicePoint.objects.active().filter(unit=unit)
        selected = self._selected_kelurahan()
        self.fields["kelurahan"].widget.choices = kelurahan_choices(
            unit.region_id.split(".")[0], selected
        )

    def _selected_kelurahan(self):
        code = self.data.get(self.add_prefix("kelurahan")) if self.is_bound else None
        code = code or getattr(self.initial.get("kelurahan"), "pk", None)
        if not code or not isinstance(code, str):
            return None
        return village(code)

    def screening_fields(self):
        """In the order a call-taker asks them (the issue's order), not the rule table's."""
        return [self[name] for name in SCREENING_QUESTIONS]

    def require_for_sending(self):
        """What a report needs before it joins the triage queue; errors stay on the form."""
        needed = {
            "reporter_type": _("Say who reports."),
            "what_happened": _("Write down what happened, even briefly."),
        }
        for name, message in needed.items():
            if not self.errors.get(name) and not self.cleaned_data.get(name):
                self.add_error(name, forms.ValidationError(message, code="required"))
        if (
            self.cleaned_data.get("reporter_type") == ReporterType.OTHER
            and not self.errors.get("reporter_relation")
            and not self.cleaned_data.get("reporter_relation")
        ):
            self.add_error("reporter_relation", _("Say how the reporter knows the survivor."))


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name (if given)"), max_length=SHORT_MAX, required=False)
    age = forms.IntegerField(
        label=_("Age"),
        required=False,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AGE)],
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_AGE}),
    )
    age_is_estimate = forms.BooleanField(label=_("The age is an estimate"), required=False)
    # "Not known" first: what the browser shows in a new row, and what "unchanged" means.
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=sorted(Sex.choices, key=lambda choice: choice[0] != Sex.UNKNOWN),
        initial=Sex.UNKNOWN,
        required=False,
    )
    accommodations = forms.MultipleChoiceField(
        label=_("Accommodations needed"),
        choices=Accommodation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answers = [("", _("— not asked —")), *Difficulty.choices]
        for domain, label in WG_DOMAINS:
            self.fields[f"wg_{domain}"] = forms.ChoiceField(
                label=label, choices=answers, required=False
            )

    def wg_fields(self):
        return [self[f"wg_{domain}"] for domain, _label in WG_DOMAINS]

    def clean_sex(self):
        return self.cleaned_data.get("sex") or Sex.UNKNOWN


class BasePeopleFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this person")


PeopleFormSet = forms.formset_factory(
    PersonForm,
    formset=BasePeopleFormSet,
    extra=1,  # a blank row ready to type in; left blank, it is not saved
    can_delete=True,
    max_num=MAX_PEOPLE,
    validate_max=True,
    absolute_max=MAX_PEOPLE,
)


# --- Triage ------------------------------------------------------------------------------


class VersionForm(forms.Form):
    """Every triage action carries the version the officer saw."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class OverrideRiskForm(VersionForm):
    level = forms.ChoiceField(label=_("New risk level"), choices=Risk.choices)
    reason = forms.CharField(
        label=_("Why"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class OpenCaseForm(VersionForm):
    unit = forms.ModelChoiceField(label=_("Service centre that owns the case"), queryset=None)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = units
        only = list(units[:2])
        if len(only) == 1:
            # Nothing to choose: the one eligible unit is chosen already.
            field.empty_label = None
            self.initial.setdefault("unit", only[0].pk)


class HandOverForm(OpenCaseForm):
    pass


class LinkCaseForm(VersionForm):
    case = forms.UUIDField(widget=forms.HiddenInput)


class ReferForm(VersionForm):
    to = forms.CharField(label=_("Agency the report goes to"), max_length=SHORT_MAX)


class CloseForm(VersionForm):
    reason = forms.CharField(
        label=_("Why this is not a protection matter"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CandidateSearchForm(forms.Form):
    """Search for an existing case by what the report says. Sent by POST, never in a URL."""

    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    nik = forms.CharField(label=_("NIK"), max_length=32, required=False)
    name = forms.CharField(label=_("Name"), max_length=SHORT_MAX, required=False)
    age = forms.IntegerField(label=_("Age (about)"), min_value=0, max_value=MAX_AGE, required=False)
    kelurahan = KelurahanField(label=_("Kelurahan"))

    def __init__(self, *args, province_code="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].widget.choices = kelurahan_choices(province_code)

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or data.get("nik") or data.get("name")):
            raise forms.ValidationError(_("Enter a phone number, a NIK or a name."))
        return data
