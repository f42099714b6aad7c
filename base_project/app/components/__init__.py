"""The parts of the running service: the backend API and the dashboard."""
