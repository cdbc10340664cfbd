from lindungi.accounts.navigation import navigation_for


def membership(request):
    active = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"active_membership": None, "memberships": [], "navigation": []}
    # Loaded with their units by ActiveMembershipMiddleware (no query here).
    memberships = list(user.memberships.all())
    return {
        "active_membership": active,
        "memberships": memberships,
        "navigation": navigation_for(user, active),
    }
