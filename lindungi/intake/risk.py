"""Triage by risk: the documented rule table of the local SOP (docs/glossary.md, risk level).

| screening answer (yes)                      | at least |
|---------------------------------------------|----------|
| in danger now                               | high     |
| weapon used or threats to kill              | high     |
| a child or dependant left alone             | high     |
| thoughts of self-harm                       | high     |
| sexual violence in the last 72 hours        | medium   |
| injuries needing care                       | medium   |
| perpetrator present or nearby               | medium   |
| none of these                               | low      |

"Perpetrator present or nearby" is not named in the SOP's rule; we count it as medium
because the survivor may not be able to speak freely or leave: a local choice, listed here.
An officer may override the level with a reason. Response times per level are settings.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Risk(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


HIGH_IF = ("in_danger_now", "weapon_or_threat", "child_alone", "self_harm")
MEDIUM_IF = ("sexual_violence_72h", "injuries", "perpetrator_nearby")
SCREENING = HIGH_IF + MEDIUM_IF

# Local SOP: high is immediate, medium within 6 hours, low within 24 hours; the minutes
# are settings (LINDUNGI_RESPONSE_MINUTES).


def risk_level(answers):
    """The level from screening answers (a mapping of the names above to True/False/None)."""
    if any(answers.get(name) for name in HIGH_IF):
        return Risk.HIGH
    if any(answers.get(name) for name in MEDIUM_IF):
        return Risk.MEDIUM
    return Risk.LOW


def due_by(received_at, level):
    minutes = settings.LINDUNGI_RESPONSE_MINUTES[level]
    return received_at + timedelta(minutes=minutes)
