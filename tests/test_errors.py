"""The failure taxonomy: each kind of failure gets the behaviour it should."""

from __future__ import annotations

import asyncpg
from aiokafka.errors import (
    KafkaConnectionError,
    MessageSizeTooLargeError,
    NotLeaderForPartitionError,
)
from asyncpg.exceptions import _base

from worker.errors import (
    ConfigError,
    Disposition,
    EmbedderMisconfigured,
    EmbedderRejected,
    EmbedderUnavailable,
    EveryRecordFails,
    classify,
)


def pg(cls: type[asyncpg.PostgresError]) -> asyncpg.PostgresError:
    return cls("boom")


def test_postgres_errors_by_sqlstate() -> None:
    assert classify(pg(asyncpg.CharacterNotInRepertoireError)) is Disposition.RECORD  # 22021
    assert classify(pg(asyncpg.NumericValueOutOfRangeError)) is Disposition.RECORD  # 22003
    assert classify(pg(asyncpg.CheckViolationError)) is Disposition.RECORD  # 23514
    assert classify(pg(asyncpg.ProgramLimitExceededError)) is Disposition.RECORD  # 54000
    assert classify(pg(asyncpg.SerializationError)) is Disposition.RETRY  # 40001
    assert classify(pg(asyncpg.DeadlockDetectedError)) is Disposition.RETRY  # 40P01
    assert classify(pg(asyncpg.ConnectionDoesNotExistError)) is Disposition.RETRY  # 08003
    assert classify(pg(asyncpg.AdminShutdownError)) is Disposition.RETRY  # 57P01
    assert classify(pg(asyncpg.QueryCanceledError)) is Disposition.RETRY  # 57014
    assert classify(pg(asyncpg.InvalidPasswordError)) is Disposition.PAUSE  # 28P01
    assert classify(pg(asyncpg.UndefinedTableError)) is Disposition.PAUSE  # 42P01
    assert classify(pg(asyncpg.InsufficientPrivilegeError)) is Disposition.PAUSE  # 42501
    assert classify(pg(asyncpg.ReadOnlySQLTransactionError)) is Disposition.RETRY  # 25006
    assert classify(pg(asyncpg.RaiseError)) is Disposition.UNKNOWN  # P0001, a trigger


def test_driver_kafka_and_os_errors() -> None:
    assert classify(_base.DataError("invalid input for query argument")) is Disposition.RECORD
    assert classify(asyncpg.InterfaceError("connection is closed")) is Disposition.RETRY
    assert classify(ConnectionRefusedError()) is Disposition.RETRY
    assert classify(TimeoutError()) is Disposition.RETRY
    assert classify(KafkaConnectionError()) is Disposition.RETRY
    assert classify(NotLeaderForPartitionError()) is Disposition.RETRY
    assert classify(MessageSizeTooLargeError()) is Disposition.RECORD


def test_jobingest_errors_carry_their_disposition() -> None:
    assert classify(EmbedderUnavailable("503")) is Disposition.RETRY
    assert classify(EmbedderRejected("400")) is Disposition.RECORD
    assert classify(EmbedderMisconfigured("401")) is Disposition.PAUSE
    assert classify(ConfigError("dims")) is Disposition.PAUSE
    assert classify(EveryRecordFails("all")) is Disposition.PAUSE


def test_anything_else_is_unknown() -> None:
    for exc in (OverflowError(), ValueError(), KeyError(), RecursionError(), TypeError()):
        assert classify(exc) is Disposition.UNKNOWN
