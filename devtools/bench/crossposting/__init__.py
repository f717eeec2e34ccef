"""The tables and rewrites behind ``devtools.bench.crossposts``: places, employers and roles, the
description a job's employer writes, and what each job board does to a copy of it."""
