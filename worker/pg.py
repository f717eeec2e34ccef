"""The PostgreSQL connection type every database module takes, and the advisory lock key
that serialises schema changes (and scopes the write path's per-company locks)."""

from __future__ import annotations

import asyncpg
from asyncpg.pool import PoolConnectionProxy

Conn = asyncpg.Connection | PoolConnectionProxy

MIGRATION_LOCK = 0x6A6F62  # advisory lock key ("job") serialising schema changes
