"""Accounts: sign-in lockout, two-factor, sessions, API tokens, roles and the access audit."""
