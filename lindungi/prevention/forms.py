"""The outreach form: what the browser sends, checked and translated; the write is
``lindungi.prevention.actions``. The audience is a grid of counts by sex and age band."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.cases.forms import CaseForm, kelurahan_field, radios
from lindungi.core.dates import past_date
from lindungi.core.widgets import HtmlInputsForm
from lindungi.places.models import Region, RegionLevel
from lindungi.prevention.models import COUNTS, Outreach, OutreachKind

TEXT = 4000


def _count(name):
    return forms.IntegerField(
        label=Outreach._meta.get_field(name).verbose_name,
        min_value=0,
        required=False,
        initial=0,
        error_messages={
            "min_value": _("A count cannot be negative."),
            "invalid": _("Write a whole number."),
        },
    )


def _text(label, help_text=""):
    return forms.CharField(
        label=label,
        max_length=TEXT,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutreachForm(CaseForm):
    kind = radios(Outreach, "kind")
    held_on = past_date(_("Date"))
    title = forms.CharField(label=_("Title"), max_length=200)
    with_disabilities = _count("with_disabilities")
    total = forms.IntegerField(
        label=_("Audience in all (optional: checked against the counts)"),
        min_value=0,
        required=False,
        error_messages={
            "min_value": _("A count cannot be negative."),
            "invalid": _("Write a whole number."),
        },
    )
    partners = _text(_("Partners involved"))
    materials = _text(_("Materials"))
    follow_ups = _text(_("Follow-ups"))
    sections = (
        (None, ["unit", "kind", "held_on", "kelurahan", "title"]),
        (_("Audience, in numbers only"), [*COUNTS, "with_disabilities", "total"]),
        (None, ["partners", "materials", "follow_ups"]),
    )

    def __init__(self, data=None, *, units, province="31", **kwargs):
        self.units, self.province = units, province
        super().__init__(data, **kwargs)

    def add_fields(self):
        for name in COUNTS:
            self.fields[name] = _count(name)
        self.fields["held_on"].required = True
        self.fields["kelurahan"] = kelurahan_field(
            self.province, getattr(self.record, "kelurahan_id", None)
        )
        if self.record is None:
            self.fields["unit"] = forms.ChoiceField(
                label=_("Recorded by"), choices=[(str(u.pk), u.name) for u in self.units]
            )

    def initial_from(self, record):
        values = {
            name: getattr(record, name)
            for name in self.data_fields()
            if name not in ("total", "unit")
        }
        values["total"] = record.total
        return values

    def changes(self):
        return {name: self.cleaned_data[name] for name in self.data_fields() if name != "unit"}


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo of the activity"),
        help_text=_("Its metadata (place, camera, time) is removed. No faces of children."),
    )


class OutreachFilterForm(HtmlInputsForm):
    """The list's filters: the period, the kota, the kind; each left empty shows all."""

    start = past_date(_("From"))
    end = past_date(_("To"))
    kota = forms.ModelChoiceField(
        queryset=Region.objects.filter(level=RegionLevel.REGENCY_CITY).order_by("code"),
        required=False,
        label=_("Kota"),
        empty_label=_("Every kota"),
    )
    kind = forms.ChoiceField(
        choices=[("", _("Every kind")), *OutreachKind.choices], required=False, label=_("Kind")
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end of the period comes before its start."))
        return data
