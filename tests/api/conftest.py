"""The API tests' shared fixtures, defined next to their helpers in tests/support."""

from tests.support.bad_bodies import ctx as ctx
from tests.support.tenants import tenants as tenants
