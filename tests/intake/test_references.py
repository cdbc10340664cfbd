import re

from lindungi.intake.references import ALPHABET, new_reference, normalise_reference


def test_references_are_readable_over_the_phone():
    for _ in range(500):
        reference = new_reference()
        assert re.fullmatch(r"LP-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}", reference)
        assert not set(reference[3:].replace("-", "")) & set("01OI")


def test_references_do_not_repeat_or_follow_a_sequence():
    references = [new_reference() for _ in range(20000)]
    assert len(set(references)) == len(references)
    assert references != sorted(references)


def test_a_typed_reference_is_understood_in_any_spelling():
    assert normalise_reference("lp 7k3m9 qxr2t") == "LP-7K3M9-QXR2T"
    assert normalise_reference("7K3M9QXR2T") == "LP-7K3M9-QXR2T"
    assert normalise_reference("LP-7K3M9-QXR2") is None
    assert normalise_reference("LP-0K3M9-QXR2T") is None
    assert len(ALPHABET) == 32
