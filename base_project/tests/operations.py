"""The operations token the test suite runs with, and the headers that present it."""

TEST_OPS_TOKEN = "test-operations-token-0123456789"
OPERATOR_HEADERS = {"X-Ops-Token": TEST_OPS_TOKEN}
