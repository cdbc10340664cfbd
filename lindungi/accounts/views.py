from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from lindungi.accounts.forms import LoginForm
from lindungi.accounts.middleware import SESSION_KEY


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link or an image cannot log someone out."""


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
