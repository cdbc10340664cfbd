"""The upgrade to one submit-once table (intake migration 0007) keeps what was acknowledged:
an API key's stored answer, a public sending's receipt, a staff draft's token."""

import uuid
from datetime import timedelta

from django.utils import timezone

from lindungi.core.once import KeyReused, Replayed, SubmitOnce
from lindungi.intake import actions, apikeys
from lindungi.intake.models import PublicSubmission
from lindungi.intake.views.staff import draft_once
from tests.browser.marks import commits
from tests.migrations import migrate, models_at

BEFORE = ("intake", "0006_status_attempts_per_reference_and_address")


def claimed(once):
    """What a new request with ``once``'s key gets: the kept outcome, or the refusal."""
    try:
        once.run(lambda: {"new": True})
    except Replayed as earlier:
        return earlier.outcome
    except KeyReused:
        return "refused"
    return "new"


@commits
def test_kept_keys_answer_as_before_after_the_upgrade(personas):
    api_key = apikeys.verify_key(apikeys.create_key("112-dispatch")[1])
    public, pin = actions.receive_public_report({"what_happened": "Canary"})
    draft = actions.save_draft(personas.intake_officer, personas.call_centre, {"channel": "phone"})
    migrate([BEFORE])
    old = models_at(BEFORE)
    now = timezone.now()
    records = old.get_model("intake", "IdempotencyRecord").objects
    records.create(api_key_id=api_key.pk, key="kept", request_hash="h1", status=201, body={"a": 1})
    stale = records.create(api_key_id=api_key.pk, key="stale", request_hash="h1", status=201)
    records.filter(pk=stale.pk).update(created_at=now - timedelta(hours=25))
    records.create(api_key_id=api_key.pk, key="crashed", request_hash="h1")  # no answer
    old.get_model("intake", "PublicSubmission").objects.create(
        token="t" * 64, address="a" * 64, report_id=public.pk, pin=pin
    )
    token = uuid.uuid4()
    old.get_model("intake", "Report").objects.filter(pk=draft.pk).update(draft_token=token)
    migrate(None)

    def api(key, digest="h1"):
        return SubmitOnce("api.reports", f"apikey:{api_key.pk}", key, digest)

    assert claimed(api("kept")) == {"status": 201, "body": {"a": 1}}
    assert claimed(api("kept", digest="h2")) == "refused"
    assert claimed(api("stale")) == claimed(api("crashed")) == "new"
    receipt = SubmitOnce("lapor.form", "", "t" * 64, "any digest")
    assert claimed(receipt) == {"reference": public.reference, "pin": pin}
    assert draft_once(personas.intake_officer, token).earlier() == {"report": str(draft.pk)}
    # The rate limit's rows keep only what the limit counts.
    assert [f.name for f in PublicSubmission._meta.fields] == ["id", "address", "created_at"]
