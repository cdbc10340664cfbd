"""The safe-house forms: they check and translate what the browser sends; the writes are
``lindungi.shelter.actions``. Choices among a case's people and dispatches come through the
access module (``restrict``)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.cases.access import Need
from lindungi.cases.classification import CHILD_UNDER
from lindungi.cases.forms import RELOAD, CaseForm, radios
from lindungi.cases.models import Client
from lindungi.cases.vocabulary import Sex
from lindungi.core.dates import past_date
from lindungi.core.widgets import HtmlInputsForm
from lindungi.response.models import Dispatch
from lindungi.shelter.models import (
    Bed,
    House,
    Placement,
    Room,
    StayRecord,
    Urgency,
    Visitor,
)

TEXT = 4000
RELOADING = {"required": RELOAD, "invalid": RELOAD, "min_value": RELOAD}


def _version():
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages=RELOADING)


def _text(label, required=True, help_text=""):
    return forms.CharField(
        label=label,
        max_length=TEXT,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name or obj.get_role_display()} ({obj.get_role_display()})"


class PlacementRequestForm(CaseForm):
    """Who is to be placed, where, how urgently, and what they need."""

    people = PersonChoice(
        queryset=Client.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("People to place"),
        help_text=_("The survivor and the dependants who come with her."),
    )
    house = forms.ModelChoiceField(
        queryset=House.objects.none(),
        required=False,
        label=_("Safe house"),
        empty_label=_("Any house with room (the queue)"),
    )
    urgency = radios(Placement, "urgency")
    needs = _text(_("Needs"), required=False, help_text=_("Health, disability, diet, school."))
    needs_wheelchair = forms.BooleanField(label=_("Needs wheelchair access"), required=False)
    dispatch = forms.ModelChoiceField(
        queryset=Dispatch.objects.none(),
        required=False,
        label=_("From the rapid response dispatch"),
    )
    sections = ((None, ["people", "house", "urgency", "needs", "needs_wheelchair", "dispatch"]),)

    def __init__(self, data=None, *, case, user, **kwargs):
        self.case, self.user = case, user
        super().__init__(data, **kwargs)

    def add_fields(self):
        self.fields["people"].queryset = Client.objects.restrict(self.user, Need.CONTENT).filter(
            case=self.case
        )
        houses = House.objects.filter(service_point__is_active=True)
        self.fields["house"].queryset = houses.select_related("service_point")
        self.fields["dispatch"].queryset = Dispatch.objects.restrict(self.user, Need.VIEW).filter(
            case=self.case
        )


def _without_name(client):
    """A person of the case as the crew may see them: role, sex and age, never the name."""
    age = client.age_on(timezone.localdate())
    role, sex = client.get_role_display(), client.get_sex_display()
    if age is None:
        return f"{role} ({sex})"
    return _("%(role)s (%(sex)s, %(age)s years)") % {"role": role, "sex": sex, "age": age}


# How many children not yet in the case the crew can add from the scene in one request.
NEW_CHILDREN = 4


def _new_child_fields(number):
    """A child on the scene the case does not have yet: age and sex, never a name."""
    labels = {"number": number}
    age = forms.IntegerField(
        label=_("Child %(number)s: age (years, estimate)") % labels,
        required=False,
        min_value=0,
        max_value=CHILD_UNDER - 1,
    )
    sex = forms.ChoiceField(
        label=_("Child %(number)s: sex") % labels,
        required=False,
        choices=[("", _("Choose")), *Sex.choices],
    )
    return {f"child_{number}_age": age, f"child_{number}_sex": sex}


class DispatchPlacementForm(PlacementRequestForm):
    """The crew's request from the scene of a dispatch, for the dispatch's case: its people
    by role, sex and age (the crew never read the case file), tonight by default. Children
    found on the scene whom the case does not have yet are added by age and sex, so that
    they are placed with their mother tonight; the case's workers complete their records."""

    sections = (
        (None, ["people"]),
        (
            _("Children on the scene not yet in the case"),
            [f"child_{n}_{part}" for n in range(1, NEW_CHILDREN + 1) for part in ("age", "sex")],
        ),
        (None, ["house", "urgency", "needs", "needs_wheelchair"]),
    )

    def add_fields(self):
        super().add_fields()
        del self.fields["dispatch"]
        # The view has checked the crew may act on the dispatch (get_dispatch_for, EDIT).
        self.fields["people"].queryset = Client.objects.filter(case=self.case)
        self.fields["people"].label_from_instance = _without_name
        self.fields["people"].help_text = _("The survivor and the dependants on the scene.")
        for number in range(1, NEW_CHILDREN + 1):
            self.fields.update(_new_child_fields(number))
        self.initial.setdefault("urgency", Urgency.TONIGHT)

    def clean(self):
        """``new_children``: (age, sex) of each child row filled in; a sex without an age
        is refused (the house needs the age to give a bed)."""
        data = super().clean()
        children = []
        for number in range(1, NEW_CHILDREN + 1):
            age, sex = data.get(f"child_{number}_age"), data.get(f"child_{number}_sex")
            if age is None:
                if sex:
                    self.add_error(f"child_{number}_age", _("Give the child's age."))
                continue
            children.append((age, sex or Sex.UNKNOWN))
        data["new_children"] = children
        return data


class PlacementStepForm(HtmlInputsForm):
    """A form of the placement's page, which shows several at once: each its own ids."""

    ids = "step"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.ids}_%s")
        super().__init__(*args, **kwargs)


class AcceptForm(PlacementStepForm):
    ids = "accept"
    version = _version()
    room = forms.ModelChoiceField(queryset=Room.objects.none(), label=_("Room"))
    beds = forms.ModelMultipleChoiceField(
        queryset=Bed.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Beds"),
        help_text=_("One free bed of the room for each person; none chosen: the first free."),
    )
    whole_room = forms.BooleanField(label=_("Hold the whole room for the family"), required=False)

    def __init__(self, data=None, *, houses, **kwargs):
        super().__init__(data, **kwargs)
        rooms = Room.objects.filter(house__in=houses).select_related("house__service_point")
        self.fields["room"].queryset = rooms
        beds = Bed.objects.filter(room__house__in=houses, out_of_use="").select_related("room")
        self.fields["beds"].queryset = beds.order_by("room__name", "label")


class DeclineForm(PlacementStepForm):
    ids = "decline"
    version = _version()
    reason = _text(_("Why the house cannot take her"))


class CancelForm(PlacementStepForm):
    ids = "cancel"
    version = _version()
    reason = _text(_("Why the request is cancelled"))


class CheckInForm(PlacementStepForm):
    ids = "check_in"
    version = _version()
    on = past_date(_("Arrived on (leave empty for today)"))


class CheckOutForm(PlacementStepForm):
    ids = "check_out"
    version = _version()
    destination = radios(Placement, "destination")
    reason = _text(_("Reason"), required=False)
    on = past_date(_("Left on (leave empty for today)"))


def visitors_of(user, placement_id):
    """Who may visit her now: the placement's list, through the access module."""
    listed = Visitor.objects.restrict(user, Need.CONTENT).filter(placement_id=placement_id)
    return listed.filter(removed_at__isnull=True)


class StayRecordForm(PlacementStepForm):
    ids = "record"
    kind = radios(StayRecord, "kind")
    note = _text(_("What happened"))
    visitor = forms.ModelChoiceField(
        queryset=Visitor.objects.none(),
        required=False,
        label=_("Visitor (for a visit): from her list"),
    )

    def __init__(self, data=None, *, user, placement_id, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["visitor"].queryset = visitors_of(user, placement_id)


class VisitorForm(PlacementStepForm):
    ids = "visitor"
    name = forms.CharField(label=_("Visitor's name"), max_length=200)
    relationship = forms.CharField(label=_("Relationship to her"), max_length=200)


class RemoveVisitorForm(HtmlInputsForm):
    remove = forms.ModelChoiceField(
        queryset=Visitor.objects.none(), widget=forms.HiddenInput, error_messages=RELOADING
    )

    def __init__(self, data=None, *, user, placement_id, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["remove"].queryset = visitors_of(user, placement_id)


class BedForm(HtmlInputsForm):
    out_of_use = forms.ChoiceField(
        label=_("State of the bed"),
        choices=[("", _("In use"))]
        + [c for c in Bed._meta.get_field("out_of_use").choices if c[0]],
        required=False,
    )
