"""The safe-contact questions, asked by the intake forms and on the case's contact page
alike: safe times as days and hours, and a safe person to contact instead. The staff forms
ask the times channel by channel; the public form asks one span for every safe channel (it
asks less). Here, in cases, because the intake app sits above this one and uses them too.

A form shows one window per channel; windows stored beyond it (an integration may send
several) are kept as they are, so saving the form never drops one.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.cases.safe_contact import EVERY_DAY, TIME_FORMAT, SafeChannel, Weekday
from lindungi.core.blind_index import normalise_phone
from lindungi.core.widgets import HtmlInputsForm, TimeInput

SHORT_MAX = 200  # a name, an agency, a note on safe times: what a form caps short text at

YES, NO, NOT_ASKED = "yes", "no", ""
TRISTATE = [(YES, _("Yes")), (NO, _("No")), (NOT_ASKED, _("Not asked / not known"))]


def checked_phone(value):
    """The phone as typed, if it could be dialled (raises ValidationError otherwise)."""
    phone = value.strip()
    if phone:
        normalise_phone(phone)
    return phone


def _window_fields(prefix):
    return {
        f"{prefix}_days": forms.TypedMultipleChoiceField(
            label=_("Days (none ticked: every day)"),
            choices=Weekday.choices,
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        ),
        f"{prefix}_start": forms.TimeField(
            label=_("From"), required=False, widget=TimeInput(), input_formats=[TIME_FORMAT]
        ),
        f"{prefix}_end": forms.TimeField(
            label=_("Until"), required=False, widget=TimeInput(), input_formats=[TIME_FORMAT]
        ),
    }


class SafeContactFields(HtmlInputsForm):
    """Mixed into a report form: the safe person, and ``contact_windows`` built in clean.

    ``WINDOWS`` maps a form prefix to the channels its one window applies to (None: the
    channel of the same name, one window per channel).
    """

    WINDOWS = {f"window_{channel}": [channel] for channel in SafeChannel.values}

    safe_person_name = forms.CharField(
        label=_("A safe person to contact instead (name)"), max_length=200, required=False
    )
    safe_person_phone = forms.CharField(
        label=_("The safe person's phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput({"type": "tel", "autocomplete": "off"}),
    )
    safe_person_relation = forms.CharField(
        label=_("How the safe person knows her"), max_length=100, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.initial.get("contact_windows") or {}
        for prefix, channels in self.WINDOWS.items():
            for name, field in _window_fields(prefix).items():
                self.fields[name] = field
            first = (stored.get(channels[0]) or [None])[0]
            if first is not None:
                self.initial.setdefault(
                    f"{prefix}_days", [] if first["days"] == EVERY_DAY else first["days"]
                )
                self.initial.setdefault(f"{prefix}_start", first["start"])
                self.initial.setdefault(f"{prefix}_end", first["end"])

    def window_rows(self):
        """[(channel label, days, start, end)] for the template."""
        return [
            (
                SafeChannel(channels[0]).label,
                self[f"{prefix}_days"],
                self[f"{prefix}_start"],
                self[f"{prefix}_end"],
            )
            for prefix, channels in self.WINDOWS.items()
        ]

    def clean_safe_person_phone(self):
        return checked_phone(self.cleaned_data.get("safe_person_phone", ""))

    def clean(self):
        data = super().clean()
        safe = set(data.get("safe_channels") or [])
        stored = self.initial.get("contact_windows") or {}
        errors_before = len(self.errors)
        windows = {}
        for prefix, channels in self.WINDOWS.items():
            window = self._window(prefix, data)
            for channel in channels:
                rows = ([window] if window else []) + (stored.get(channel) or [])[1:]
                if window and channel not in safe and len(channels) == 1:
                    self.add_error(
                        f"{prefix}_start",
                        _("Mark this way of contact as safe, or clear its times."),
                    )
                elif rows and channel in safe:
                    windows[channel] = rows
        if len(self.errors) == errors_before:
            # Half-typed times keep the stored ones: a draft saves only what is valid.
            data["contact_windows"] = windows
        return data

    def window_field_names(self):
        return [name for prefix in self.WINDOWS for name in _window_fields(prefix)]

    def _window(self, prefix, data):
        start, end = data.get(f"{prefix}_start"), data.get(f"{prefix}_end")
        if start is None and end is None:
            return None
        if start is None or end is None:
            self.add_error(f"{prefix}_end", _("Give both the start and the end time."))
            return None
        if start == end:
            self.add_error(f"{prefix}_end", _("The end time must differ from the start time."))
            return None
        return {
            "days": sorted(data.get(f"{prefix}_days") or EVERY_DAY),
            "start": start.strftime(TIME_FORMAT),
            "end": end.strftime(TIME_FORMAT),
        }


class TristateField(forms.TypedChoiceField):
    """Yes / no / not asked, stored as True / False / None."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=TRISTATE,
            coerce=lambda value: value == YES,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            **kwargs,
        )

    def prepare_value(self, value):
        if value is True:
            return YES
        if value is False:
            return NO
        return value if value in (YES, NO) else NOT_ASKED


class StaffContactFields(SafeContactFields):
    """Contact details and the safe-contact answers as staff record them, on the intake
    form and on the case alike."""

    contact_phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput({"type": "tel"})
    )
    contact_email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    safe_channels = forms.MultipleChoiceField(
        label=_("Safe ways to contact"),
        choices=SafeChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    safe_times = forms.CharField(
        label=_("Other notes on safe times"),
        help_text=_("What the times above cannot say, e.g. when her husband is at work."),
        max_length=SHORT_MAX,
        required=False,
    )
    code_word = forms.CharField(label=_("Code word"), max_length=100, required=False)
    voicemail_safe = TristateField(label=_("Is a voicemail safe?"))

    def clean_contact_phone(self):
        return checked_phone(self.cleaned_data.get("contact_phone", ""))
