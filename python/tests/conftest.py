"""The suite runs against a live server: INCIDENT_ENV_URL (the repository's test runner sets it)."""

import os

import pytest


@pytest.fixture(scope="session")
def url() -> str:
    value = os.environ.get("INCIDENT_ENV_URL")
    if not value:
        pytest.fail("set INCIDENT_ENV_URL to a running server, e.g. http://127.0.0.1:7860")
    return value.rstrip("/")
