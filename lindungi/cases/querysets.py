"""The queryset of cases and of every model that belongs to one.

Its ``restrict`` is the access module's rule (``lindungi.cases.access.restrict``). The
access module reads the case models, which are built on this queryset, so neither the
models nor this module import it: the access module attaches its rule here when the app is
ready (``CasesConfig.ready``), and the arrow points one way.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class CaseBoundQuerySet(models.QuerySet):
    """The queryset of cases and of every model that belongs to one."""

    def restrict(self, user, need="view"):
        """Narrowed to what ``user`` may ``need`` (``lindungi.cases.access.Need``): the one
        way a list or count of case-bound data is made outside the access module."""
        # Replaced by lindungi.cases.access.restrict before anything runs (access.attach).
        raise ImproperlyConfigured("The cases app is not ready: the access rule is not attached.")
