"""Background jobs on arq: one queue per kind of work, one worker process per queue."""
