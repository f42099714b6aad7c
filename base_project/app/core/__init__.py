"""Settings, logging and the health registry shared by every process."""
