"""Which Frontdesk processes are alive, so work a dead one had accepted can be taken over.

Each process gets a random instance id and holds a lock for its lifetime that the
operating system or the database releases the moment the process dies, kill -9
included: a PostgreSQL session advisory lock (any replica can test it), or for SQLite
(one machine) an ``flock`` on a file in the data directory. ``is_alive(other)`` tries to
take the other's lock: getting it means its holder is gone.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
import uuid
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, text

from frontdesk.storage.db import Database


class Liveness(Protocol):
    instance_id: str

    def claim(self) -> str:
        """This process's id, once its lock is held (before recording it as an owner)."""
        ...

    def is_alive(self, instance_id: str) -> bool: ...

    def close(self) -> None: ...


def _advisory_key(instance_id: str) -> int:
    return int.from_bytes(hashlib.sha256(instance_id.encode()).digest()[:8], "big", signed=True)


class PostgresLiveness:
    def __init__(self, database: Database) -> None:
        self.instance_id = uuid.uuid4().hex
        self._database = database
        self._held: Connection | None = None
        self._lock = threading.Lock()

    def _hold(self) -> None:
        # Taken on first use, on a connection of its own that lives as long as the process.
        with self._lock:
            if self._held is None:
                held = self._database.engine.connect()
                held.execute(
                    text("SELECT pg_advisory_lock(:key)"), {"key": _advisory_key(self.instance_id)}
                )
                held.commit()
                self._held = held

    def claim(self) -> str:
        self._hold()
        return self.instance_id

    def is_alive(self, instance_id: str) -> bool:
        if instance_id == self.instance_id:
            return True
        key = {"key": _advisory_key(instance_id)}
        with self._database.engine.connect() as connection:
            free = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar())
            if free:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
            connection.commit()
        return not free

    def close(self) -> None:
        with self._lock:
            if self._held is not None:
                self._held.close()
                self._held = None


class FileLiveness:
    def __init__(self, directory: Path) -> None:
        self.instance_id = uuid.uuid4().hex
        self._directory = directory
        self._fd: int | None = None
        self._lock = threading.Lock()

    def _path(self, instance_id: str) -> Path:
        return self._directory / f"{instance_id}.lock"

    def claim(self) -> str:
        with self._lock:
            if self._fd is None:
                self._directory.mkdir(parents=True, exist_ok=True)
                fd = os.open(self._path(self.instance_id), os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(fd, fcntl.LOCK_EX)
                self._fd = fd
        return self.instance_id

    def is_alive(self, instance_id: str) -> bool:
        if instance_id == self.instance_id:
            return True
        path = self._path(instance_id)
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return False  # it never took its lock here, or was cleaned up: gone
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        path.unlink(missing_ok=True)  # its holder is gone
        return False

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
                self._path(self.instance_id).unlink(missing_ok=True)


def build_liveness(database: Database, data_dir: Path) -> PostgresLiveness | FileLiveness:
    if database.is_sqlite:
        return FileLiveness(data_dir / "instances")
    return PostgresLiveness(database)
