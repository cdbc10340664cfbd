"""Every form a browser can post, and every form class, found rather than listed, for the
walks that post them (the date fuzz, the input policy walk).

The pages are every route of the URL resolver but the admin's and the API's, their ids
filled from the fully filled world of the edit round trip; each page is opened once by
each browser given, and its forms read as a browser reads them (``tests.html_forms``).
"""

import importlib
import pkgutil
from dataclasses import dataclass
from urllib.parse import urljoin

from django import forms
from django.test import Client
from django.test.utils import ContextList
from django.urls import reverse

import lindungi
from tests.html_forms import HtmlForm, read_forms
from tests.login import log_in
from tests.test_edit_round_trip import _param_models
from tests.test_permission_matrix import walk


@dataclass
class PageForm:
    who: str  # the browser's name
    url: str  # the page that shows the form
    form: HtmlForm
    # The Django form classes the page was rendered with.
    classes: frozenset

    @property
    def target(self):
        return urljoin(self.url, self.form.action or "")


def form_classes():
    """Every Django form class of the project (imported, module by module)."""
    for module in pkgutil.walk_packages(lindungi.__path__, "lindungi."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    seen, pending = set(), [forms.BaseForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                pending.append(subclass)
    return [form for form in seen if form.__module__.startswith("lindungi.")]


def browsers(personas, names):
    """An anonymous browser and one logged in as each persona named."""
    found = {"anonymous": Client()}
    for name in names:
        found[name] = Client()
        log_in(found[name], getattr(personas, name))
    return found


def pages(world):
    """The URL of every page a browser may open, ids filled from the world."""
    models = _param_models()
    urls = set()
    for namespaces, name, _route, params in walk():
        if not name or {"admin", "api"} & set(namespaces):
            continue
        if all(models.get(p) in world for p in params):
            urls.add(reverse(name, kwargs={p: str(world[models[p]].pk) for p in params}))
    return sorted(urls)


def _forms_in(value, depth=2):
    """The form classes in a context value: a form, a formset, the admin's wrapped form, or
    one of these in a list or tuple (rows of a table, each with its form)."""
    if isinstance(value, forms.BaseForm):
        return {type(value)}
    if isinstance(value, forms.BaseFormSet):
        return {type(form) for form in (value.empty_form, *value.forms)}
    if isinstance(getattr(value, "form", None), forms.BaseForm):
        return {type(value.form)}
    if depth and isinstance(value, list | tuple):
        return {found for item in value for found in _forms_in(item, depth - 1)}
    return set()


def _form_classes(response):
    contexts = response.context or []
    found = set()
    for context in contexts if isinstance(contexts, ContextList) else [contexts]:
        for value in context.flatten().values():
            found |= _forms_in(value)
    return frozenset(found)


def posted_forms(browsers, urls, methods=("post",)):
    """A ``PageForm`` for every form that posts (or sends by one of ``methods``), on each page
    of ``urls``, for every browser."""
    found = []
    for url in urls:
        for who, browser in browsers.items():
            page = browser.get(url)
            if page.status_code != 200 or "text/html" not in page["Content-Type"]:
                continue
            classes = _form_classes(page)
            found += [
                PageForm(who, url, form, classes)
                for form in read_forms(page.text)
                if form.method in methods
            ]
    return found
