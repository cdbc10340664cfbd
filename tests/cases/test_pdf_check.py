"""Attached PDFs are parsed and refused with active content in them (issue 11, item 5).

Each PDF is made here with pikepdf (or, for names written with ``#`` escapes, which pikepdf
would write plainly, byte by byte with a correct cross-reference table).
"""

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pikepdf import Array, Dictionary, Name, String

from lindungi.cases.attachments import inspect
from lindungi.cases.models import Attachment
from tests.cases.factories import make_case
from tests.cases.test_attachments import PDF_PAGE, PDF_PAGES, raw_pdf
from tests.login import log_in

URL = String("https://example.org/track")


def made(edit=None, **save_options):
    """A one-page PDF, changed by ``edit(pdf)``, saved with ``save_options``."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if edit is not None:
        edit(pdf)
    out = io.BytesIO()
    pdf.save(out, **save_options)
    return out.getvalue()


def link(pdf, action):
    """A link annotation on the first page running ``action``."""
    annotation = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 100, 20], A=action)
    pdf.pages[0].Annots = pdf.make_indirect(Array([pdf.make_indirect(annotation)]))


def with_open_action(action):
    def edit(pdf):
        pdf.Root.OpenAction = pdf.make_indirect(action)

    return edit


def with_page_aa(action):
    def edit(pdf):
        pdf.pages[0].AA = Dictionary(O=action)

    return edit


def with_link(action):
    return lambda pdf: link(pdf, action)


def with_javascript_tree(pdf):
    script = Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=[String("a"), script]))


def with_embedded_file(pdf):
    pdf.attachments["note.txt"] = pikepdf.AttachedFileSpec(pdf, b"hidden")


def with_form(pdf):
    pdf.Root.AcroForm = Dictionary(Fields=Array([]))


def with_file_annotation(pdf):
    spec = pikepdf.AttachedFileSpec(pdf, b"hidden", filename="a.txt")
    annotation = Dictionary(
        Type=Name.Annot, Subtype=Name.FileAttachment, Rect=[0, 0, 10, 10], FS=spec.obj
    )
    pdf.pages[0].Annots = Array([pdf.make_indirect(annotation)])


ACTIVE = {
    "OpenAction JavaScript": made(
        with_open_action(Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))
    ),
    "OpenAction URI": made(with_open_action(Dictionary(S=Name.URI, URI=URL))),
    "page AA SubmitForm": made(
        with_page_aa(Dictionary(S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=URL)))
    ),
    "link URI": made(with_link(Dictionary(S=Name.URI, URI=URL))),
    "link Launch": made(with_link(Dictionary(S=Name.Launch, F=String("cmd.exe")))),
    "link SubmitForm": made(with_link(Dictionary(S=Name.SubmitForm, F=URL))),
    "JavaScript name tree": made(with_javascript_tree),
    "embedded file": made(with_embedded_file),
    "file attachment annotation": made(with_file_annotation),
    "form": made(with_form),
    # In a compressed object stream: no byte of the file says /JavaScript.
    "compressed": made(
        with_open_action(Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))),
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    ),
    # Names with # escapes: a viewer reads /OpenAction, /JavaScript and /JS.
    "hex-escaped names": raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Open#41ction 4 0 R >>",
        PDF_PAGES,
        PDF_PAGE,
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
    ),
    "hex-escaped URI": raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        PDF_PAGES,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [4 0 R] >>",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /U#52I /URI (x) >> >>",
    ),
}


def _clean_with_internal_link(pdf):
    pdf.add_blank_page()
    link(pdf, Dictionary(S=Name.GoTo, D=Array([pdf.pages[1].obj, Name.Fit])))
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("Page 2", 1))


CLEAN = {
    "blank": made(),
    "internal link and outline": made(_clean_with_internal_link),
    "object streams": made(
        _clean_with_internal_link, object_stream_mode=pikepdf.ObjectStreamMode.generate
    ),
    "written by hand": raw_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", PDF_PAGES, PDF_PAGE),
}


@pytest.mark.parametrize("kind", sorted(ACTIVE))
def test_a_pdf_with_active_content_is_refused(kind):
    with pytest.raises(ValidationError) as refused:
        inspect(ACTIVE[kind])
    assert refused.value.code == "pdf_active"


def test_the_hidden_ones_are_out_of_a_byte_scans_sight():
    assert b"JavaScript" not in ACTIVE["compressed"]
    assert b"/JavaScript" not in ACTIVE["hex-escaped names"]
    assert b"/OpenAction" not in ACTIVE["hex-escaped names"]


@pytest.mark.parametrize("kind", sorted(CLEAN))
def test_a_clean_pdf_passes_unchanged(kind):
    assert inspect(CLEAN[kind]) == ("application/pdf", CLEAN[kind])


def _encrypted(user_password):
    encryption = pikepdf.Encryption(owner="owner secret", user=user_password)
    return made(encryption=encryption)


@pytest.mark.parametrize(
    "data",
    [
        _encrypted(""),  # opens without a password, but its content is hidden from a check
        _encrypted("user secret"),
        b"%PDF-1.7\n" + b"\x8f not a pdf at all " * 40,
        made()[:200],  # cut short
    ],
    ids=["encrypted", "password", "garbage", "truncated"],
)
def test_an_encrypted_or_unreadable_pdf_is_refused(data):
    with pytest.raises(ValidationError) as refused:
        inspect(data)
    assert refused.value.code == "pdf_unreadable"


def test_the_upload_page_says_why_in_the_users_language(personas, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    case = make_case(personas, "a")
    client = Client()
    log_in(client, personas.case_worker_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    response = client.post(
        reverse("cases:attachments", args=[case.pk]),
        {"file": io.BytesIO(ACTIVE["hex-escaped names"]), "description": ""},
    )
    assert response.status_code == 400
    assert "Cetak" in response.content.decode()  # "Print it to a new PDF", in Indonesian
    assert not Attachment.objects.exists()
