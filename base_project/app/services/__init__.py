"""Business logic, independent of the web and CLI layers."""
