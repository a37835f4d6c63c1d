"""Fixtures of the tax tests: the local Maskinporten and RF-1310 API."""
from tests.tax.skatteetaten_server import skatteetaten  # noqa: F401 - fixture
