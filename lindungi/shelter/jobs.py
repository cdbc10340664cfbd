"""The worker's job for the safe houses: a stay nearing the longest the deployment allows
(``SHELTER_MAX_STAY_DAYS``) alerts the case's supervisors and the house's staff
``SHELTER_ALERT_DAYS_BEFORE`` days before its end, once (claimed by a unique insert,
``MaxStayAlert``, as the overdue deadlines are), however many workers run."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.cases.access import supervisors_of
from lindungi.notifications.models import Kind, notify
from lindungi.shelter.actions import house_staff
from lindungi.shelter.models import MaxStayAlert, Placement, PlacementStatus


def alert_before(today):
    """The check-in date on or before which a stay is alerted today."""
    days = settings.SHELTER_MAX_STAY_DAYS - settings.SHELTER_ALERT_DAYS_BEFORE
    return today - timedelta(days=days)


def alert_long_stays():
    """Alert each stay that reaches its alert day; returns how many were alerted."""
    run = uuid.uuid4()
    ending = Placement.objects.filter(
        status=PlacementStatus.STAYING, checked_in_on__lte=alert_before(timezone.localdate())
    ).select_related("case", "house__service_point")
    with transaction.atomic():
        MaxStayAlert.objects.bulk_create(
            [MaxStayAlert(placement=p, run=run) for p in ending], ignore_conflicts=True
        )
        mine = set(MaxStayAlert.objects.filter(run=run).values_list("placement_id", flat=True))
        claimed = [p for p in ending if p.pk in mine]
        supervising = supervisors_of([p.case for p in claimed])
        for placement in claimed:
            people = list(User.objects.filter(pk__in=supervising[placement.case_id]))
            notify(people, Kind.STAY_ENDING, case=placement.case)
            notify(house_staff(placement.house), Kind.STAY_ENDING)
    return len(claimed)
