"""Where the sync keeps what it must remember: a small key-value store.

Two backends share one contract: a directory on local disk and an S3
bucket. Writes are atomic (a reader sees the old or the new bytes, never a
mix), and ``create_if_absent`` lets exactly one of several racers win,
which is what the :class:`Lease` builds on.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from .errors import ConfigError, LeaseHeldError, StateError
from .logs import get_logger

__all__ = [
    "Lease",
    "LocalStore",
    "S3Store",
    "StateStore",
    "open_store",
    "validate_key",
]

log = get_logger(__name__)

# Temporary files start with this; keys may not, so listings never show them.
TEMP_PREFIX = ".tmp-"
ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL", "S3_ENDPOINT_URL")


class StateStore(Protocol):
    """A flat map of ``/``-separated keys to bytes."""

    def read(self, key: str) -> bytes | None: ...

    def write(self, key: str, data: bytes) -> None: ...

    def delete(self, key: str) -> None: ...

    def list_keys(self, prefix: str) -> list[str]: ...

    def create_if_absent(self, key: str, data: bytes) -> bool: ...


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe relative key, else raise StateError."""
    if not isinstance(key, str) or not key:
        raise StateError("invalid state key: must be a non-empty string")

    problem = None
    if key.startswith("/") or re.match(r"^[A-Za-z]:", key):
        problem = "must be relative"
    elif "\\" in key or "\x00" in key:
        problem = "must use '/' and no control characters"
    else:
        for part in key.split("/"):
            if part in ("", ".", ".."):
                problem = "must not contain empty, '.' or '..' parts"
                break
            if part.startswith("."):
                problem = "parts must not start with '.'"
                break

    if problem:
        raise StateError(f"invalid state key {key!r}: {problem}")
    return key


def _validate_prefix(prefix: str) -> str:
    if ".." in prefix.split("/") or prefix.startswith("/") or "\\" in prefix:
        raise StateError(f"invalid state key prefix {prefix!r}")
    return prefix


class LocalStore:
    """Keys as files under one directory, written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def __repr__(self) -> str:
        return f"LocalStore({str(self.directory)!r})"

    def read(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(f"could not read state key {key!r}: {exc}") from exc

    def write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            temporary = self._write_temporary(path, data)
            try:
                os.replace(temporary, path)
            except BaseException:
                _remove_quietly(temporary)
                raise
            _fsync_directory(path.parent)
        except OSError as exc:
            raise StateError(f"could not write state key {key!r}: {exc}") from exc
        log.debug("state.written", key=key, size=len(data))

    def create_if_absent(self, key: str, data: bytes) -> bool:
        path = self._path(key)
        try:
            temporary = self._write_temporary(path, data)
            try:
                # A hard link appears complete or not at all, and fails if
                # the name exists: an atomic "create with this content".
                os.link(temporary, path)
            except FileExistsError:
                return False
            finally:
                _remove_quietly(temporary)
            _fsync_directory(path.parent)
        except OSError as exc:
            raise StateError(f"could not create state key {key!r}: {exc}") from exc
        return True

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StateError(f"could not delete state key {key!r}: {exc}") from exc
        _fsync_directory(path.parent)

    def list_keys(self, prefix: str) -> list[str]:
        _validate_prefix(prefix)
        # Walk only the deepest directory the prefix names.
        start = self.directory / prefix.rpartition("/")[0]
        keys = []
        try:
            walk = os.walk(start, onerror=_raise_unless_missing)
            for root, folders, files in walk:
                folders[:] = [name for name in folders if not name.startswith(".")]
                base = Path(root).relative_to(self.directory)
                for name in files:
                    if name.startswith("."):
                        continue
                    key = (base / name).as_posix()
                    if key.startswith(prefix):
                        keys.append(key)
        except OSError as exc:
            raise StateError(
                f"could not list state keys under {prefix!r}: {exc}"
            ) from exc
        return sorted(keys)

    def _path(self, key: str) -> Path:
        return self.directory / validate_key(key)

    def _write_temporary(self, path: Path, data: bytes) -> str:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            _remove_quietly(temporary)
            raise
        return temporary


def _raise_unless_missing(error: OSError) -> None:
    if not isinstance(error, FileNotFoundError):
        raise error


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable. Some filesystems refuse to fsync a
    # directory; the data is then as durable as that filesystem allows.
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        log.debug("state.directory_fsync_unsupported", directory=str(directory))
    finally:
        os.close(descriptor)


class S3Store:
    """Keys as objects in an S3 bucket, below an optional prefix."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        client: Any = None,
        endpoint_url: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._errors = _botocore_errors()
        self._client = client or _make_s3_client(endpoint_url)
        self._conditional_puts = True

    def __repr__(self) -> str:
        return f"S3Store(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def read(self, key: str) -> bytes | None:
        name = self._object_name(key)
        try:
            answer = self._client.get_object(Bucket=self.bucket, Key=name)
            data: bytes = answer["Body"].read()
            return data
        except self._errors.ClientError as exc:
            if _error_code(exc) in ("NoSuchKey", "404"):
                return None
            raise self._state_error("read", key, exc) from exc
        except self._errors.BotoCoreError as exc:
            raise self._state_error("read", key, exc) from exc

    def write(self, key: str, data: bytes) -> None:
        # A PUT replaces an object whole, so readers never see a partial one.
        self._put("write", key, data)
        log.debug("state.written", key=key, size=len(data))

    def create_if_absent(self, key: str, data: bytes) -> bool:
        if self._conditional_puts:
            try:
                self._put("create", key, data, IfNoneMatch="*")
                return True
            except StateError as error:
                if _is_lost_race(error.__cause__):
                    return False
                if not _is_unsupported(error.__cause__, self._errors):
                    raise
            self._conditional_puts = False
            log.warning("state.conditional_put_unsupported", bucket=self.bucket)

        # Fallback for S3-compatible servers without If-None-Match: a
        # check then a put. Not atomic; two racers could both succeed.
        if self.read(key) is not None:
            return False
        self._put("create", key, data)
        return True

    def delete(self, key: str) -> None:
        name = self._object_name(key)
        try:
            self._client.delete_object(Bucket=self.bucket, Key=name)
        except (self._errors.ClientError, self._errors.BotoCoreError) as exc:
            raise self._state_error("delete", key, exc) from exc

    def list_keys(self, prefix: str) -> list[str]:
        _validate_prefix(prefix)
        base = f"{self.prefix}/" if self.prefix else ""
        keys = []
        try:
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=base + prefix
            )
            for page in pages:
                for item in page.get("Contents", []):
                    keys.append(item["Key"][len(base) :])
        except (self._errors.ClientError, self._errors.BotoCoreError) as exc:
            raise self._state_error("list", prefix, exc) from exc
        return sorted(keys)

    def _put(self, step: str, key: str, data: bytes, **extra: Any) -> None:
        name = self._object_name(key)
        try:
            self._client.put_object(
                Bucket=self.bucket,
                Key=name,
                Body=data,
                ContentType="application/json",
                **extra,
            )
        except (self._errors.ClientError, self._errors.BotoCoreError) as exc:
            raise self._state_error(step, key, exc) from exc

    def _object_name(self, key: str) -> str:
        validate_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _state_error(self, step: str, key: str, exc: Exception) -> StateError:
        # Only the error code or class: botocore messages can quote request
        # details, and nothing here may ever echo credentials.
        code = _error_code(exc) or type(exc).__name__
        return StateError(
            f"could not {step} state key {key!r} in S3 bucket {self.bucket!r}: {code}"
        )


def _botocore_errors() -> Any:
    try:
        import botocore.exceptions
    except ImportError as exc:
        raise StateError(
            "the S3 state store needs boto3: install drivehr-sync[s3]"
        ) from exc
    return botocore.exceptions


def _make_s3_client(endpoint_url: str | None) -> Any:
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError
    except ImportError as exc:
        raise StateError(
            "the S3 state store needs boto3: install drivehr-sync[s3]"
        ) from exc

    config = Config(
        connect_timeout=5,
        read_timeout=15,
        retries={"max_attempts": 3, "mode": "standard"},
        # Path-style addressing works with every S3-compatible server and
        # with loopback endpoints, where bucket subdomains do not resolve.
        s3={"addressing_style": "path"} if endpoint_url else None,
    )
    try:
        return boto3.client("s3", endpoint_url=endpoint_url, config=config)
    except (BotoCoreError, ValueError) as exc:
        raise StateError(
            f"could not set up the S3 client: {type(exc).__name__}"
        ) from exc


def _is_lost_race(exc: BaseException | None) -> bool:
    # 412: the key exists. 409: S3 is completing another conditional write
    # to the same key, whose writer is the winner.
    return _error_code(exc) in (
        "PreconditionFailed",
        "412",
        "ConditionalRequestConflict",
        "409",
    )


def _is_unsupported(exc: BaseException | None, errors: Any) -> bool:
    # A botocore too old to know IfNoneMatch rejects it before sending.
    if isinstance(exc, errors.ParamValidationError):
        return True
    return _error_code(exc) in ("NotImplemented", "501")


def _error_code(exc: BaseException | None) -> str | None:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    if code:
        return str(code)
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return str(status) if status else None


def open_store(settings: Any) -> StateStore:
    """The store ``settings`` name: ``STATE_URL`` (s3://) or ``STATE_DIR``."""
    url = getattr(settings, "state_url", None)
    if not url:
        return LocalStore(Path(settings.state_dir))

    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ConfigError(
            [f"STATE_URL: scheme {parts.scheme!r} is not supported; use s3://"]
        )
    if not parts.netloc:
        raise ConfigError(["STATE_URL: must name a bucket, as s3://bucket/prefix"])

    endpoint = next(
        (os.environ[name] for name in ENDPOINT_VARIABLES if os.environ.get(name)),
        None,
    )
    return S3Store(parts.netloc, parts.path.strip("/"), endpoint_url=endpoint)


class Lease:
    """A time-limited claim that lets one sync run at a time.

    Each claim is a new numbered record created with ``create_if_absent``;
    taking over an expired or released claim means creating the next number,
    which exactly one racer can do. Older records are then cleared away.
    """

    def __init__(
        self,
        store: StateStore,
        name: str = "sync",
        ttl_s: float = 900,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.name = name
        self.ttl_s = ttl_s
        self.clock = clock
        self._prefix = validate_key(f"leases/{name}") + "/"

    def acquire(self, owner: str) -> bool:
        """Claim the lease for ``owner``; False while another holds it."""
        current = self._current()
        generation = 0
        if current is not None:
            generation, record = current
            if record is not None and self._is_live(record):
                return record.get("owner") == owner

        now = self.clock()
        record = {
            "owner": owner,
            "acquiredAt": now,
            "expiresAt": now + self.ttl_s,
        }
        won = self.store.create_if_absent(
            self._key(generation + 1), json.dumps(record).encode()
        )
        if not won:
            log.debug("lease.lost_race", lease=self.name, owner=owner)
            return False

        self._clear_before(generation + 1)
        log.debug("lease.acquired", lease=self.name, owner=owner)
        return True

    def release(self, owner: str) -> None:
        """Give the lease up, if ``owner`` still holds it."""
        current = self._current()
        if current is None:
            return
        generation, record = current
        if record is None or record.get("owner") != owner:
            return
        if record.get("releasedAt") is not None:
            return

        record["releasedAt"] = self.clock()
        self.store.write(self._key(generation), json.dumps(record).encode())
        log.debug("lease.released", lease=self.name, owner=owner)

    def holder(self) -> dict[str, Any] | None:
        """The live claim (owner, acquiredAt, expiresAt), or None."""
        current = self._current()
        if current is None or not self._is_live(current[1]):
            return None
        return current[1]

    @contextlib.contextmanager
    def held(self, owner: str) -> Iterator[None]:
        """Hold the lease for the block; LeaseHeldError if another has it."""
        if not self.acquire(owner):
            raise LeaseHeldError(self._busy_message())
        try:
            yield
        finally:
            self.release(owner)

    def _busy_message(self) -> str:
        record = self.holder()
        if record is None:
            return f"another sync took the lease {self.name!r} first"
        until = datetime.fromtimestamp(record["expiresAt"], UTC)
        return (
            f"another sync ({record.get('owner')}) holds the lease "
            f"{self.name!r} until {until.isoformat(timespec='seconds')}"
        )

    def _is_live(self, record: dict[str, Any] | None) -> bool:
        if record is None:
            return False
        if record.get("releasedAt") is not None:
            return False
        return self.clock() < float(record["expiresAt"])

    def _current(self) -> tuple[int, dict[str, Any] | None] | None:
        # A record can vanish between listing and reading only because a
        # newer claim was made and cleared it; looking again finds that one.
        for _ in range(3):
            generations = self._generations()
            if not generations:
                return None
            newest = max(generations)
            data = self.store.read(self._key(newest))
            if data is not None:
                return newest, _parse_lease(data, self.name)
        raise StateError(f"lease {self.name!r} keeps changing while read")

    def _generations(self) -> list[int]:
        return [
            int(match.group(1))
            for key in self.store.list_keys(self._prefix)
            if (match := re.fullmatch(r".*/(\d{10})\.json", key))
        ]

    def _clear_before(self, generation: int) -> None:
        for older in self._generations():
            if older < generation:
                with contextlib.suppress(StateError):
                    self.store.delete(self._key(older))

    def _key(self, generation: int) -> str:
        return f"{self._prefix}{generation:010d}.json"


def _parse_lease(data: bytes, name: str) -> dict[str, Any] | None:
    # Writes are atomic, so an unreadable record means damage from outside;
    # treating it as expired keeps one bad file from stopping every sync.
    try:
        record = dict(json.loads(data))
        record["expiresAt"] = float(record["expiresAt"])
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("lease.unreadable", lease=name, error=type(exc).__name__)
        return None
    return record
