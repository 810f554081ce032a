"""Schemathesis hooks (SCHEMATHESIS_HOOKS=tests.contract.schemathesis_hooks): the signed-in
account's session cookie, the CSRF cookie and the `x-csrftoken` header on generated requests.

Sign-up, sign-in and sign-out declare only the CSRF credential and get no session cookie: a
generated sign-in would close the run's session (sign-in rotates it), a sign-out would end it.
Signing out everywhere ends every session of an account, so it gets a spare account's session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import schemathesis
from schemathesis import Case

NO_SESSION = frozenset({"/api/auth/signup", "/api/auth/login", "/api/auth/logout"})
SPARE_SESSION = frozenset({"/api/auth/logout-everywhere"})


@dataclass(frozen=True)
class Credentials:
    cookie_name: str
    session: str
    spare_session: str
    csrf: str


@schemathesis.auth(refresh_interval=None)
class SessionAuth:
    def get(self, case: Case, ctx: Any) -> Credentials:
        return Credentials(
            os.environ["ST_SESSION_COOKIE"],
            os.environ["ST_SESSION"],
            os.environ["ST_SPARE_SESSION"],
            os.environ["ST_CSRF"],
        )

    def set(self, case: Case, data: Credentials, ctx: Any) -> None:
        cookies = {"csrftoken": data.csrf}
        if case.path in SPARE_SESSION:
            cookies[data.cookie_name] = data.spare_session
        elif case.path not in NO_SESSION:
            cookies[data.cookie_name] = data.session
        case.cookies = {**(case.cookies or {}), **cookies}
        case.headers = {**(case.headers or {}), "x-csrftoken": data.csrf}
