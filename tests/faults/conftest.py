import pytest

from tests.faults.proxy import fault_proxy


@pytest.fixture
def faults(monkeypatch):
    """DynamoDB behind a fault-injecting proxy, with a short retry budget."""
    monkeypatch.setenv("DB_RETRY_BUDGET_MS", "1500")
    with fault_proxy() as proxy:
        yield proxy
