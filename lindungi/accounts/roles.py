"""Roles and unit types: the vocabulary of the access model (docs/architecture.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitType(models.TextChoices):
    UPTD_PPA = "uptd_ppa", _("Integrated service centre (UPTD PPA)")
    RAPID_RESPONSE = "rapid_response", _("Rapid response unit")
    COMPLAINT_POST = "complaint_post", _("Complaint post")
    CALL_CENTRE_112 = "call_centre_112", _("112 emergency call centre")
    SAFE_HOUSE = "safe_house", _("Safe house")
    PARTNER_AGENCY = "partner_agency", _("Partner agency")
    ADMINISTRATION = "administration", _("Administration")


class Role(models.TextChoices):
    INTAKE_OFFICER = "intake_officer", _("Intake officer")
    RESPONDER = "responder", _("Responder")
    CASE_WORKER = "case_worker", _("Case worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    SHELTER_OFFICER = "shelter_officer", _("Shelter officer")
    PARTNER_OFFICER = "partner_officer", _("Partner officer")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")
