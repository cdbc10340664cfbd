"""The user's in-app alerts: the list, newest first, and marking them read.

An alert holds a kind and a link, never case content: its text is the kind's label in the
reader's language (for a break-glass use, also who opened the case, when and why), and its
link goes to the case page, which checks access itself (a case the reader may no longer see
answers 404 there, like any other).
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from lindungi.core.htmx import render_page
from lindungi.notifications.models import Notification

PAGE_SIZE = 50


def _list(request, status=None):
    alerts = (
        Notification.objects.filter(user=request.user)
        .select_related("break_glass__user")
        .only(
            "id",
            "kind",
            "case_id",
            "report_id",
            "created_at",
            "read_at",
            "break_glass__created_at",
            "break_glass__reason",
            "break_glass__user__display_name",
        )
    )
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "notifications/list.html", {"page": page}, status=status)


@login_required
@require_GET
def notification_list(request):
    return _list(request)


def _after_post(request):
    """htmx gets the list again (with the header count swapped out of band); a plain form
    post is redirected back to the list (post/redirect/get)."""
    if request.htmx:
        return _list(request)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_read(request, notification_id):
    # A conditional update: only the reader's own alert, and only once.
    mine = Notification.objects.filter(pk=notification_id, user=request.user)
    if not mine.exists():
        raise Http404
    mine.filter(read_at__isnull=True).update(read_at=timezone.now())
    return _after_post(request)


@login_required
@require_POST
def mark_all_read(request):
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return _after_post(request)
