"""The case's safe-contact page: how to reach the survivor, and how not to, changed by
those who may edit the case. Versioned: a save after someone else's answers 409."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lindungi.cases.access import Need, get_case_for
from lindungi.cases.actions import StaleVersion
from lindungi.cases.contact_actions import save_contact
from lindungi.cases.contact_form import CaseContactForm
from lindungi.cases.first_account import CaseContact
from lindungi.core.htmx import render_page


@login_required
@require_http_methods(["GET", "POST"])
def edit_contact(request, case_id):
    case = get_case_for(request.user, case_id, Need.EDIT, request=request).case
    record = getattr(case, "contact", None) or CaseContact(case=case)
    form = CaseContactForm(request.POST if request.method == "POST" else None, record=record)
    status = None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                save_contact(
                    request.user,
                    case,
                    form.cleaned_data["version"],
                    form.changes(),
                    request=request,
                )
            except StaleVersion:
                form.add_error(
                    None,
                    _("Someone else changed the safe contact meanwhile. Reload the page."),
                )
                status = 409
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("The safe contact was saved."))
                return redirect("cases:detail", case_id=case.pk)
    return render_page(
        request, "cases/edit_contact.html", {"case": case, "form": form}, status=status
    )


urlpatterns = [path("<uuid:case_id>/kontak-aman/", edit_contact, name="edit_contact")]
