"""Scheduled jobs (APScheduler), run by their own process."""
