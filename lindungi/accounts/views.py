from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from lindungi.accounts.forms import LoginForm
from lindungi.accounts.mfa.flow import after_login_url, safe_next, second_factor_url
from lindungi.accounts.middleware import SESSION_KEY
from lindungi.core.htmx import render_page


@login_not_required
@sensitive_post_parameters()
@csrf_protect
@never_cache
def log_in(request):
    """The first step of the login: email and password. The code step follows.

    Throttling happens in the authentication backend (django-axes): a locked-out account
    or address gets the lockout page whatever it types.
    """
    user = request.user
    if user.is_authenticated:
        if user.is_verified():
            return redirect(after_login_url(request))
        return redirect(second_factor_url(user, safe_next(request)))
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        login(request, form.get_user())
        return redirect(second_factor_url(request.user, safe_next(request)))
    return render_page(request, "accounts/login.html", {"form": form, "next": safe_next(request)})


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link or an image cannot log someone out. Open to
    anyone: logging out after the session has already ended lands on the login page."""


@login_required
@require_POST
def switch_membership(request):
    """Act as another of one's own memberships (another unit or role)."""
    chosen = request.POST.get("membership", "")
    if not any(str(m.pk) == chosen for m in request.user.memberships.all()):
        raise Http404
    request.session[SESSION_KEY] = chosen
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return redirect(target)
