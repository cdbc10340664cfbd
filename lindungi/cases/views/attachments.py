"""Attachments on a case: the list with its upload form, and the download.

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
from django.views.decorators.http import require_GET, require_http_methods

from lindungi.audit.events import record
from lindungi.cases import attachments as store
from lindungi.cases.access import Need, get_case_for, get_case_part_for, may_edit
from lindungi.cases.models import Attachment
from lindungi.core.htmx import render_page


class AttachmentForm(forms.Form):
    # Not required at field level: an oversized file never reaches the form, and the
    # message must then say so rather than "this field is required".
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=1000,
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


def section_context(user, case, form=None):
    """What ``cases/attachment_section.html`` needs, for any page that includes it."""
    editable = may_edit(user, case)
    return {
        "case": case,
        "attachments": case.attachments.select_related("uploaded_by", "sanction"),
        "may_upload": editable,
        "attachment_form": form
        if form is not None
        else (AttachmentForm(case=case) if editable else None),
    }


@csrf_exempt  # checked in _upload, once the upload handler is in place (see there)
@require_http_methods(["GET", "HEAD", "POST"])
def attachments(request, case_id):
    if request.method == "POST":
        case = get_case_for(request.user, case_id, Need.EDIT, request=request)
        # Before anything reads the body: keep the file in memory (never a plaintext
        # temporary file) and drop it chunk by chunk once it passes the limit.
        limiter = store.UploadLimitHandler(request)
        request.upload_handlers = [limiter]
        return _upload(request, case, limiter)
    case = get_case_for(request.user, case_id, request=request)
    record("attachment.list", request=request, obj=case)
    return render_page(request, "cases/attachments.html", section_context(request.user, case))


@csrf_protect
def _upload(request, case, limiter):
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
    context = section_context(request.user, case, form)
    return render_page(request, "cases/attachments.html", context, status=status)


@require_GET
def download(request, attachment_id):
    _case, attachment = get_case_part_for(request.user, Attachment, attachment_id, request=request)
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
]
