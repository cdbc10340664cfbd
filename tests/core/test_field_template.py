from django import forms
from django.template.loader import render_to_string


class Sample(forms.Form):
    nik = forms.CharField(label="NIK", help_text="16 digits")


def test_a_fields_help_text_is_announced_with_it(db):
    html = render_to_string("includes/field.html", {"field": Sample()["nik"]})
    assert 'aria-describedby="id_nik_helptext"' in html
    assert 'id="id_nik_helptext"' in html
