"""A test-only app with a model holding every kind of searchable personal data.

Installed by tests/settings.py only, and without migrations (the test runner creates its
table directly), so it never reaches a real database. The cases app's Client will look
the same.
"""
