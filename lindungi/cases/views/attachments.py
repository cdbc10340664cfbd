"""Attachments on a case: the list with its upload form, the download and the removal.

Both go through the access choke point; the download is the only way a stored file leaves
the server (README, "Attachments").
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindungi.audit.events import record
from lindungi.cases import attachments as store
from lindungi.cases.access import (
    Need,
    get_case_for,
    get_case_part_for,
)
from lindungi.cases.models import Attachment
from lindungi.core.htmx import render_page
from lindungi.core.input_policy import validate_text


class AttachmentForm(forms.Form):
    # Not required at field level: an oversized file never reaches the form, and the
    # message must then say so rather than "this field is required".
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=1000,
        # A multipart post: Django decodes its text itself, out of the middleware's reach.
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What the document is, e.g. medical report or photo of injury."),
    )

    sanction = forms.ModelChoiceField(
        label=gettext_lazy("Document of the sanction track"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("No: a document of the case"),
        help_text=gettext_lazy("The employing agency's letter or decision, for example."),
    )

    def __init__(self, *args, too_large=False, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        tracks = case.sanctions.all() if case is not None else None
        if tracks is None or not tracks.exists():
            del self.fields["sanction"]
        else:
            self.fields["sanction"].queryset = tracks
            self.fields["sanction"].label_from_instance = lambda track: track.agency
        self.fields["file"].help_text = _(
            "PDF, photo (JPEG, PNG, WebP) or plain text, up to %(limit)s MB. Photo "
            "metadata (location, camera, time) is removed."
        ) % {"limit": store.max_upload_bytes() // (1024 * 1024)}

    def clean_file(self):
        if self.too_large:
            raise store.too_large_error()
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            raise ValidationError(_("Choose a file to attach."), code="required")
        return uploaded


class RemoveAttachmentForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the file removed?"),
        min_length=store.REASON_MIN,
        max_length=store.REASON_MAX,
        # Posted to a view the middleware checks; held to the rule here as well, like every
        # form of this module, whose upload view reads its own body.
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "The file is destroyed and cannot be brought back. Its type and size, who removed "
            "it, when and why stay on the case's timeline."
        ),
    )


def removal_form(attachment, data=None):
    """The removal form of one row: its own ids, so that a list holds several."""
    return RemoveAttachmentForm(data, auto_id=f"remove-{attachment.pk}-%s")


def section_context(access, form=None, removal=None):
    """What ``cases/attachment_section.html`` needs, for any page that includes it.

    ``removal``: a removal form that came back with errors, shown on its row.
    """
    case = access.case
    removable = access.may_remove_attachments
    rows = list(case.attachments.select_related("uploaded_by", "sanction", "removed_by"))
    for attachment in rows:
        attachment.type_label = store.type_label(attachment.content_type)
        if removable and attachment.removed_at is None:
            mine = removal is not None and removal.auto_id == removal_form(attachment).auto_id
            attachment.removal_form = removal if mine else removal_form(attachment)
    return {
        "case": case,
        "access": access,
        "attachments": rows,
        "attachment_form": form
        if form is not None
        else (AttachmentForm(case=case) if access.may_edit else None),
    }


@csrf_exempt  # checked in _upload, once the upload handler is in place (see there)
@require_http_methods(["GET", "HEAD", "POST"])
def attachments(request, case_id):
    if request.method == "POST":
        access = get_case_for(request.user, case_id, Need.EDIT, request=request)
        # Before anything reads the body: keep the file in memory (never a plaintext
        # temporary file) and drop it chunk by chunk once it passes the limit.
        limiter = store.UploadLimitHandler(request)
        request.upload_handlers = [limiter]
        return _upload(request, access, limiter)
    access = get_case_for(request.user, case_id, request=request)
    record("attachment.list", request=request, obj=access.case)
    return render_page(request, "cases/attachments.html", section_context(access))


@csrf_protect
def _upload(request, access, limiter):
    case = access.case
    form = AttachmentForm(request.POST, request.FILES, too_large=limiter.too_large, case=case)
    if form.is_valid():
        try:
            store.upload_attachment(
                request.user,
                case,
                form.cleaned_data["file"],
                form.cleaned_data["description"],
                sanction=form.cleaned_data.get("sanction"),
                request=request,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The file was attached."))
            return redirect(reverse("cases:attachments", args=[case.pk]), permanent=False)
    status = 413 if limiter.too_large else 400
    context = section_context(access, form)
    return render_page(request, "cases/attachments.html", context, status=status)


@require_POST
def remove(request, attachment_id):
    access, attachment = get_case_part_for(
        request.user, Attachment, attachment_id, Need.SUPERVISE, request=request
    )
    case = access.case
    form = removal_form(attachment, request.POST)
    if form.is_valid():
        try:
            store.remove_attachment(
                request.user, attachment, form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error("reason", error)
            else:  # already removed: the row has no form left to show it on
                messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file was removed and destroyed."))
            return redirect(reverse("cases:attachments", args=[case.pk]), permanent=False)
    context = section_context(access, removal=form)
    return render_page(request, "cases/attachments.html", context, status=400)


@require_GET
def download(request, attachment_id):
    # A document is case content: a supervisor reading by break-glass sees that it
    # exists, not what it holds.
    access, attachment = get_case_part_for(
        request.user, Attachment, attachment_id, Need.CONTENT, request=request
    )
    case = access.case
    if attachment.removed_at is not None:
        context = {"case": case, "attachment": attachment}
        return render_page(request, "cases/attachment_removed.html", context, status=404)
    content = store.open_attachment(attachment)
    record("attachment.download", request=request, obj=attachment)
    content_type = attachment.content_type
    if content_type == "text/plain":
        content_type += "; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = store.content_disposition(store.download_name(attachment))
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response


urlpatterns = [
    path("<uuid:case_id>/lampiran/", attachments, name="attachments"),
    path("lampiran/<uuid:attachment_id>/unduh/", download, name="attachment_download"),
    path("lampiran/<uuid:attachment_id>/hapus/", remove, name="attachment_remove"),
]
