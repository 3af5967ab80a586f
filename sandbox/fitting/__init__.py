"""Learning a crowd from real answers, whatever the task kind: the report's shape, the shared
pieces of a fitted population file. Each kind's report and fit live in its package."""
