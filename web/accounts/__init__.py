"""Accounts: emailed links, choosing a password, resets and each organisation's team.

The blueprint is in views.py; importing the package registers the team pages on it too.
"""

from web.accounts import team  # noqa: F401
