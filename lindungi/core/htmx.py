"""One view, two answers: the full page, or just its content for an htmx request."""

from django.shortcuts import render

FULL_PAGE = "base.html"
FRAGMENT = "fragment.html"


def render_page(request, template_name, context=None, status=None):
    """Render ``template_name`` inside the site's frame, or alone for htmx.

    Page templates extend ``{{ base_template }}``; for an htmx request (other than a
    boosted navigation, which swaps the whole body) that is a bare frame that renders only
    the ``content`` block, so the same template and the same view serve both answers.
    """
    context = dict(context or {})
    htmx = getattr(request, "htmx", False)
    partial = bool(htmx) and not htmx.boosted
    context["base_template"] = FRAGMENT if partial else FULL_PAGE
    response = render(request, template_name, context, status=status)
    # A cache between must not hand the fragment to a full-page request or vice versa.
    response.headers["Vary"] = "HX-Request"
    return response
