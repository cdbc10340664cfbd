from django.db.models import Prefetch, prefetch_related_objects

from lindungi.accounts.models import Membership

SESSION_KEY = "lindungi_membership"


def _active_membership(request):
    """The membership (unit and role) the user is acting in for this request.

    A user with several memberships chooses one; the choice is kept in the session and
    checked against the user's current memberships on every request, so a removed
    membership stops working at once.
    """
    user = request.user
    if not user.is_authenticated:
        return None
    # Loaded once for the whole request: the navigation, the access checks
    # (``user.memberships.all()``) and this choice all read the same list.
    prefetch_related_objects(
        [user],
        Prefetch("memberships", queryset=Membership.objects.select_related("unit__region")),
    )
    memberships = list(user.memberships.all())
    if not memberships:
        return None
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if str(membership.pk) == chosen:
            return membership
    return memberships[0]


class ActiveMembershipMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = _active_membership(request)
        return self.get_response(request)
