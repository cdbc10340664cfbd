"""What each role finds in the navigation: the entries by role here, and those an app adds
(``add``) for whom its own access rules decide, so that no rule is written twice."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.roles import Role

# (label, url name, roles that see it; None = every role)
ENTRIES = [
    (_("Home"), "home", None),
    (_("Cases"), "cases:caseload", {Role.CASE_WORKER, Role.SUPERVISOR}),
    (_("My tasks"), "cases:my_tasks", {Role.CASE_WORKER, Role.SUPERVISOR}),
    (_("Overview"), "cases:overview", {Role.SUPERVISOR}),
    (_("New report"), "intake:new", {Role.INTAKE_OFFICER, Role.SUPERVISOR}),
    (_("Triage queue"), "intake:queue", {Role.INTAKE_OFFICER, Role.SUPERVISOR}),
    (
        _("Rapid response"),
        "response:board",
        {Role.RESPONDER, Role.INTAKE_OFFICER, Role.SUPERVISOR},
    ),
    (_("Referrals"), "referrals:worklist", {Role.PARTNER_OFFICER}),
    (_("Provider directory"), "referrals:providers", {Role.CASE_WORKER, Role.SUPERVISOR}),
    (_("Statistics"), "stats:dashboard", {Role.ANALYST, Role.SUPERVISOR}),
    (_("Service points"), "places:service_points", None),
    (_("Administration"), "admin:index", {Role.ADMINISTRATOR}),
]


# (label, url name, the entry's place after this url name, whether a membership sees it)
ADDED = []


def add(label, url_name, after, shown):
    """An entry placed after ``after``'s, for the memberships ``shown(membership)`` allows:
    an app's own access module decides (``stats`` adds the head of service's page)."""
    ADDED.append((label, url_name, after, shown))


def _entries(membership):
    for label, url_name, roles in ENTRIES:
        yield label, url_name, roles
        for added, added_url, after, shown in ADDED:
            if after == url_name and membership is not None and shown(membership):
                yield added, added_url, None


def navigation_for(user, membership):
    role = membership.role if membership is not None else None
    items = []
    for label, url_name, roles in _entries(membership):
        if roles is not None and role not in roles:
            continue
        if url_name.startswith("admin:") and not user.is_staff:
            continue
        items.append({"label": label, "url": reverse(url_name), "name": url_name})
    return items
