"""The second factor (TOTP with recovery codes) and login throttling.

Staff log in with email and password, then a code from an authenticator app; nothing but
the login, enrolment and code pages opens until that code is verified (middleware.py).
"""
