import pytest

# For tests that must commit: at the end only the audit table is emptied, so the regions
# loaded once per session stay for the transactional tests that run after these.
commits_audit_rows = pytest.mark.django_db(transaction=True, available_apps=["lindungi.audit"])
