"""A PDF is attached only without active content, checked by its structure (pikepdf/qpdf).

Whoever opens an attachment trusts it: a PDF that runs a script, opens a web page, sends a
form or starts a program when it is opened (or when a page or a link is) could call out,
tell someone that the file was read, or worse. Looking for bytes such as ``/JavaScript``
misses a name written ``/J#61vaScript`` and anything inside a compressed object stream, so
the document is parsed instead and every object in it is looked at, whether a viewer would
reach it or not: the catalog, the pages, their annotations, outlines and name trees
included. Refused:

- actions run without a click: the catalog's ``/OpenAction``, any ``/AA`` (additional
  actions of the document, a page, an annotation or a field);
- any action but a jump within the document (``/GoTo``): JavaScript, Launch, URI,
  SubmitForm, ImportData, ResetForm, GoToR/GoToE (other files), Named, media, ...;
- JavaScript anywhere (``/JS``, the ``/JavaScript`` name tree);
- embedded files (the ``/EmbeddedFiles`` name tree, file specifications with ``/EF``, file
  attachment annotations), and rich media, sound, movie, screen and 3D annotations;
- forms (``/AcroForm``, ``/XFA``, widget annotations);
- a PDF that cannot be parsed, or is encrypted (its content cannot be checked).

Survivors' evidence is scans and printed reports: printing a PDF to a new one (or scanning
it) gives a file that passes.
"""

import io

import pikepdf
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Keys that exist only to carry active content.
ACTIVE_KEYS = {"/OpenAction", "/AA", "/JS", "/JavaScript", "/AcroForm", "/XFA", "/EmbeddedFiles"}
ACTIVE_KEYS |= {"/EF", "/RichMediaContent", "/RichMediaSettings"}
ACTIVE_ANNOTATIONS = {"/FileAttachment", "/Widget", "/Screen", "/Movie", "/Sound", "/RichMedia"}
ACTIVE_ANNOTATIONS |= {"/3D"}
# Every action type of ISO 32000-2 (table 201), and the rich media one; /GoTo alone (a jump
# within the document) is harmless. No other PDF dictionary puts these names under /S.
ACTIONS = {"/GoToR", "/GoToE", "/GoToDp", "/Launch", "/Thread", "/URI", "/Sound", "/Movie"}
ACTIONS |= {"/Hide", "/Named", "/SubmitForm", "/ResetForm", "/ImportData", "/SetOCGState"}
ACTIONS |= {"/Rendition", "/Trans", "/GoTo3DView", "/JavaScript", "/RichMediaExecute"}


def _active():
    return ValidationError(
        _(
            "This PDF contains scripts, actions, links, forms or embedded files. Print it "
            "to a new PDF (or scan it) and attach that."
        ),
        code="pdf_active",
    )


def _unreadable():
    return ValidationError(
        _(
            "This PDF is protected by a password or could not be read, so it cannot be "
            "checked. Save or print it as a new PDF without a password (or scan it) and "
            "attach that."
        ),
        code="pdf_unreadable",
    )


def check_pdf(data):
    """Raise ValidationError unless ``data`` is a readable PDF without active content."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted or not isinstance(pdf.trailer.get("/Root"), pikepdf.Dictionary):
                raise _unreadable()
            # Every object of the file (compressed object streams included), then the
            # trailer; each with the direct objects nested in it.
            for top in (*pdf.objects, pdf.trailer):
                if _holds_active_content(top):
                    raise _active()
    except pikepdf.PikepdfError:  # damaged beyond repair, or a password is needed
        raise _unreadable() from None


def _holds_active_content(top):
    pending = [top]
    while pending:
        obj = pending.pop()
        if isinstance(obj, pikepdf.Array):
            children = list(obj)
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            if _is_active(obj):
                return True
            children = [obj.get(key) for key in obj.keys()]
        else:
            continue
        # Indirect objects are looked at on their own, from the file's list of objects.
        pending += [c for c in children if isinstance(c, pikepdf.Object) and not c.is_indirect]
    return False


def _is_active(dictionary):
    if set(map(str, dictionary.keys())) & ACTIVE_KEYS:
        return True
    return (
        _name(dictionary, "/Type") == "/EmbeddedFile"
        or _name(dictionary, "/Subtype") in ACTIVE_ANNOTATIONS
        or _name(dictionary, "/S") in ACTIONS
    )


def _name(dictionary, key):
    value = dictionary.get(key)
    return str(value) if isinstance(value, pikepdf.Name) else None
