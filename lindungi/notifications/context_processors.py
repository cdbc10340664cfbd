from functools import cache

from lindungi.notifications.models import Notification

# The header says "more than 99" beyond this: reading at most this many ids from the
# (user, read_at) index keeps the query as cheap for a flooded inbox as for an empty one.
UNREAD_SHOWN = 99


def unread(request):
    """``unread_notifications``: the header's count, one small indexed query, and only when
    a template shows it (an htmx fragment, which has no header, costs nothing)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count():
        unread = Notification.objects.filter(user=user, read_at__isnull=True).order_by()
        return len(unread.values_list("id", flat=True)[: UNREAD_SHOWN + 1])

    return {"unread_notifications": count, "unread_shown": UNREAD_SHOWN}
