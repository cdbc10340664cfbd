from django.contrib.auth import middleware as auth_middleware
from django.db.models import Prefetch, prefetch_related_objects
from django_htmx.http import HttpResponseClientRedirect

from lindungi.accounts.models import Membership

SESSION_KEY = "lindungi_membership"
# The API's URL namespace (``lindungi.api.main``): it authenticates every call itself.
API_NAMESPACE = "api"


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


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Every page needs a login, decided once before any view runs.

    A view that forgets its own check therefore still never answers an anonymous request:
    it is sent to the login page, with no 404, no audit row and no database work (the
    attachment pages had no ``login_required`` and wrote a ``case.denied`` row for every
    anonymous request). Public pages say so with ``@login_not_required``: the public report
    form and status page, the login, the language switch, the health check. The API is left
    to its own authentication, which answers 401 (``lindungi.api.auth``).
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.namespaces[:1] == [API_NAMESPACE]:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        response = super().handle_no_permission(request, view_func)
        if request.headers.get("HX-Request") == "true":
            # A fragment swap would put the login page inside a page: load it whole.
            return HttpResponseClientRedirect(response.url)
        return response
