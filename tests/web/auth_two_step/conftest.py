"""The two-step tests' clock fixture."""

from tests.web.auth_two_step.helpers import clock  # noqa: F401 - a fixture
