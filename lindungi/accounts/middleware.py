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
    memberships = list(user.memberships.select_related("unit", "unit__region"))
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
