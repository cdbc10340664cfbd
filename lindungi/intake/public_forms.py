"""The public report form (/lapor/) and the status form: only what is needed to help.

Abuse protection without third-party services lives here too: a signed form token that
carries when the form was opened (too fast is a robot) and a one-time nonce (a double
submit answers with the first report), and a honeypot field people never see.
"""

import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lindungi.cases.contact_fields import SafeContactFields
from lindungi.cases.safe_contact import SafeChannel
from lindungi.core.blind_index import normalise_phone
from lindungi.core.dates import past_date
from lindungi.intake.models import ReporterType
from lindungi.intake.references import normalise_reference
from lindungi.places.models import Region, RegionLevel

# A story can be long; a megabyte of text is not a story. The API uses the same limit.
MAX_STORY = 20_000
TOKEN_SALT = "lindungi.intake.public_form"  # noqa: S105 - a namespace, not a secret
HONEYPOT = "website"

YES_NO_UNKNOWN = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("I don't know"))]
# The danger questions in plain words, in the order a counsellor would ask them.
DANGER_QUESTIONS = [
    ("in_danger_now", _("Is someone in danger right now?")),
    ("perpetrator_nearby", _("Is the person who did it there now, or close by?")),
    ("weapon_or_threat", _("Was a weapon used, or did they threaten to kill?")),
    ("injuries", _("Is someone hurt and needs a doctor?")),
    ("child_alone", _("Is a child, or someone who needs care, left alone?")),
    ("self_harm", _("Is someone thinking of hurting themselves?")),
    ("sexual_violence_72h", _("Was there sexual violence in the last 3 days (72 hours)?")),
]


def min_seconds():
    """How long a person takes at least before sending; settable so browser tests run fast."""
    return settings.LINDUNGI_PUBLIC_FORM_MIN_SECONDS


def new_form_token():
    return signing.dumps({"n": secrets.token_urlsafe(24), "t": time.time()}, salt=TOKEN_SALT)


def read_form_token(value):
    """(nonce, opened_at) from a token this server signed, or None."""
    try:
        data = signing.loads(value or "", salt=TOKEN_SALT)
        return str(data["n"]), float(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def yes_no(name, label):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        required=False,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
    )


def kelurahan_choices():
    """Kelurahan grouped by city and kecamatan, so one list works without JavaScript."""
    groups = {}
    villages = Region.objects.filter(level=RegionLevel.VILLAGE).select_related(
        "parent", "parent__parent"
    )
    for region in villages.order_by("parent__parent__name", "parent__name", "name"):
        kecamatan = region.parent
        title = f"{kecamatan.parent.name} · {kecamatan.name}"
        groups.setdefault(title, []).append((region.code, region.name))
    return [("", _("Not said")), *groups.items()]


class PublicReportForm(SafeContactFields):
    # One span of safe times for every way of contact marked safe: the public form asks less.
    WINDOWS = {"window": list(SafeChannel.values)}
    PERSON_LABELS = {
        "safe_person_name": _("Someone safe we may contact instead of you (optional)"),
        "safe_person_phone": _("Their phone number"),
        "safe_person_relation": _("How they know you"),
    }

    reporter_type = forms.ChoiceField(
        label=_("Who is reporting?"),
        choices=[
            (ReporterType.SURVIVOR, _("It happened to me")),
            (ReporterType.OTHER, _("It happened to someone else")),
            (ReporterType.ANONYMOUS, _("I want to stay anonymous")),
        ],
        widget=forms.RadioSelect,
    )
    reporter_relation = forms.CharField(
        label=_("If it happened to someone else: who are they to you?"),
        help_text=_("For example: neighbour, friend, teacher, family."),
        max_length=100,
        required=False,
    )
    what_happened = forms.CharField(
        label=_("What happened?"),
        help_text=_("In your own words. Write only what you feel safe to share."),
        max_length=MAX_STORY,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    occurred_on = past_date(_("When did it happen? (date, if you know it)"))
    occurred_estimate = forms.CharField(
        label=_("Or roughly when"),
        help_text=_("For example: last week, for months, since 2023."),
        max_length=100,
        required=False,
    )
    kelurahan = forms.ChoiceField(
        label=_("Where did it happen? (kelurahan, optional)"),
        choices=kelurahan_choices,
        required=False,
    )
    street_detail = forms.CharField(
        label=_("Street or place (optional)"),
        help_text=_("Only if it is safe to say."),
        max_length=500,
        required=False,
    )

    in_danger_now = yes_no(*DANGER_QUESTIONS[0])
    perpetrator_nearby = yes_no(*DANGER_QUESTIONS[1])
    weapon_or_threat = yes_no(*DANGER_QUESTIONS[2])
    injuries = yes_no(*DANGER_QUESTIONS[3])
    child_alone = yes_no(*DANGER_QUESTIONS[4])
    self_harm = yes_no(*DANGER_QUESTIONS[5])
    sexual_violence_72h = yes_no(*DANGER_QUESTIONS[6])

    consent_contact = forms.BooleanField(label=_("Yes, you may contact me."), required=False)
    reporter_name = forms.CharField(
        label=_("Your name or a name we can use (optional)"), max_length=200, required=False
    )
    contact_phone = forms.CharField(
        label=_("Phone or WhatsApp number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    contact_email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    safe_channels = forms.MultipleChoiceField(
        label=_("Which ways of contacting you are safe?"),
        choices=SafeChannel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    safe_times = forms.CharField(
        label=_("Anything else about when it is safe to contact you?"),
        help_text=_("For example: only when I am at work."),
        max_length=200,
        required=False,
    )
    code_word = forms.CharField(
        label=_("A code word (optional)"),
        help_text=_(
            "We say it first, so you know it is us. If you answer with it, we know you can talk."
        ),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    voicemail_safe = yes_no("voicemail_safe", _("Is it safe to leave a voicemail?"))
    consent_services = forms.BooleanField(
        label=_("Yes, I would like help from the protection services."), required=False
    )
    consent_statistics = forms.BooleanField(
        label=_("Yes, you may count what happened in the statistics, without my name."),
        required=False,
    )

    form_token = forms.CharField(widget=forms.HiddenInput)
    # The honeypot: hidden from people (and screen readers), filled by robots.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        for name, label in self.PERSON_LABELS.items():
            self.fields[name].label = label
        self.fields["window_days"].label = _("On which days is it safe? (none ticked: any day)")
        self.fields["window_start"].label = _("Safe from (time)")
        self.fields["window_end"].label = _("Safe until (time)")

    def danger_fields(self):
        return [self[name] for name, _label in DANGER_QUESTIONS]

    def clean_what_happened(self):
        text = self.cleaned_data["what_happened"].strip()
        if not text:
            raise ValidationError(_("Tell us briefly what happened."), code="required")
        return text

    def clean_kelurahan(self):
        code = self.cleaned_data["kelurahan"]
        return Region.objects.get(code=code) if code else None

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        return normalise_phone(phone) if phone else ""

    def clean(self):
        data = super().clean()
        wants_contact = data.get("consent_contact")
        if wants_contact and not (data.get("contact_phone") or data.get("contact_email")):
            self.add_error(
                "contact_phone",
                ValidationError(
                    _("To be contacted, give a phone number or an email."), code="no_contact"
                ),
            )
        return data

    def report_data(self):
        """The fields for ``actions.receive_public_report``: no contact without consent,
        no name from someone who chose to stay anonymous."""
        data = dict(self.cleaned_data)
        for name in ("form_token", HONEYPOT, *self.window_field_names()):
            data.pop(name, None)
        if data["reporter_type"] == ReporterType.ANONYMOUS:
            data["reporter_name"] = ""
        if data["reporter_type"] != ReporterType.OTHER:
            data["reporter_relation"] = ""
        if not data["consent_contact"]:
            for name in (
                "reporter_name",
                "contact_phone",
                "contact_email",
                "safe_times",
                "code_word",
                "safe_person_name",
                "safe_person_phone",
                "safe_person_relation",
            ):
                data[name] = ""
            data["safe_channels"] = []
            data["contact_windows"] = {}
            data["voicemail_safe"] = None
        return data


class StatusForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        help_text=_("As shown when you sent the report, for example LP-7K3M9-QXR2T."),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=12,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_reference(self):
        reference = normalise_reference(self.cleaned_data["reference"])
        if reference is None:
            raise ValidationError(
                _("A reference looks like LP-7K3M9-QXR2T. Check it and try again."),
                code="invalid",
            )
        return reference
