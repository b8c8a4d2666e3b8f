"""The state store contract, on local disk and on S3 over loopback HTTP."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from drivehr_sync.errors import ConfigError, LeaseHeldError, StateError
from drivehr_sync.snapshots import SnapshotHistory
from drivehr_sync.state import Lease, LocalStore, S3Store, open_store
from s3_server import DUMMY_SECRET, make_bucket, s3_endpoint

__all__ = ["s3_endpoint"]


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    """Each backend, empty."""
    if request.param == "local":
        return LocalStore(tmp_path / "state")

    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Store(make_bucket(endpoint), prefix="drivehr", endpoint_url=endpoint)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# The contract, for both backends.


def test_a_written_key_reads_back(store):
    """A written key reads back the same bytes."""
    store.write("snapshots/a.json", b'{"a": 1}')

    data = store.read("snapshots/a.json")

    assert data == b'{"a": 1}'


def test_a_missing_key_reads_as_none(store):
    """Reading a key that was never written gives None."""
    assert store.read("nothing/here.json") is None


def test_a_write_replaces_the_previous_bytes(store):
    """Writing a key again replaces its content whole."""
    store.write("stats/runs.json", b"first, and longer than the second")

    store.write("stats/runs.json", b"second")

    assert store.read("stats/runs.json") == b"second"


def test_a_deleted_key_is_gone_and_deleting_twice_is_fine(store):
    """A deleted key reads as None, and deleting a missing key is no error."""
    store.write("a/b.json", b"x")

    store.delete("a/b.json")
    store.delete("a/b.json")

    assert store.read("a/b.json") is None
    assert store.list_keys("a/") == []


def test_keys_are_listed_sorted_under_a_prefix(store):
    """list_keys returns the keys under a prefix in sorted order."""
    for key in ("snapshots/b.json", "snapshots/a.json", "stats/runs.json"):
        store.write(key, b"{}")
    store.write("snapshots/old/c.json", b"{}")

    listed = store.list_keys("snapshots/")

    assert listed == ["snapshots/a.json", "snapshots/b.json", "snapshots/old/c.json"]
    assert store.list_keys("") == [*listed, "stats/runs.json"]
    assert store.list_keys("snapshots/a") == ["snapshots/a.json"]


@pytest.mark.parametrize(
    "key",
    ["../escape.json", "/etc/passwd", "a/../../b", "a//b", "", ".hidden", "a\\b"],
)
def test_unsafe_keys_are_rejected(store, key):
    """Keys that are absolute, climb out, or are malformed raise StateError."""
    with pytest.raises(StateError, match="invalid state key"):
        store.write(key, b"x")

    with pytest.raises(StateError, match="invalid state key"):
        store.read(key)


def test_create_if_absent_creates_only_once(store):
    """create_if_absent writes a new key and refuses an existing one."""
    first = store.create_if_absent("leases/x.json", b"one")

    second = store.create_if_absent("leases/x.json", b"two")

    assert (first, second) == (True, False)
    assert store.read("leases/x.json") == b"one"


def test_a_torn_newest_snapshot_leaves_the_previous_one_readable(store):
    """A damaged newest snapshot does not hide the previous good one."""
    history = SnapshotHistory(store)
    good = history.save(
        {"jobs": [{"id": "drivehr-1", "title": "A"}]}, None, request_id="aaaaaaaa"
    )
    store.write("snapshots/20991231T235959Z-torn0000.json", b'{"snapshotId": "2099')

    latest = history.latest()

    assert latest is not None
    assert latest.snapshot_id == good.snapshot_id


# Lease, for both backends.


def test_a_second_owner_cannot_acquire_a_held_lease(store):
    """While one owner holds the lease, another's acquire fails."""
    clock = Clock()
    lease = Lease(store, ttl_s=60, clock=clock)

    first = lease.acquire("run-1")
    second = lease.acquire("run-2")

    assert (first, second) == (True, False)
    assert lease.holder()["owner"] == "run-1"


def test_an_expired_lease_is_taken_over(store):
    """A lease past its time-to-live goes to the next owner who asks."""
    clock = Clock()
    lease = Lease(store, ttl_s=60, clock=clock)
    lease.acquire("run-1")

    clock.now += 61
    taken = lease.acquire("run-2")

    assert taken is True
    assert lease.holder()["owner"] == "run-2"
    assert lease.acquire("run-1") is False


def test_release_by_a_non_owner_does_nothing(store):
    """Only the holder can release the lease."""
    lease = Lease(store, ttl_s=60, clock=Clock())
    lease.acquire("run-1")

    lease.release("run-2")

    assert lease.holder()["owner"] == "run-1"
    assert lease.acquire("run-2") is False


def test_a_released_lease_can_be_acquired_again(store):
    """After the holder releases, another owner acquires at once."""
    lease = Lease(store, ttl_s=60, clock=Clock())
    lease.acquire("run-1")

    lease.release("run-1")

    assert lease.holder() is None
    assert lease.acquire("run-2") is True


def test_held_raises_lease_held_error_when_busy(store):
    """The context manager raises LeaseHeldError naming the holder when busy."""
    lease = Lease(store, ttl_s=60, clock=Clock())

    with (
        lease.held("run-1"),
        pytest.raises(LeaseHeldError, match="run-1"),
        lease.held("run-2"),
    ):
        pytest.fail("the block must not run while the lease is held")

    assert lease.holder() is None


def test_a_lease_record_that_cannot_be_read_is_taken_over(store):
    """A damaged lease record does not block every later sync."""
    lease = Lease(store, ttl_s=60, clock=Clock())
    store.write("leases/sync/0000000001.json", b"{not json")

    taken = lease.acquire("run-1")

    assert taken is True
    assert store.list_keys("leases/sync/") == ["leases/sync/0000000002.json"]


# Races and crashes, on local disk where the atomic primitive is the OS's.


def race(store, make_lease, lease_count: int = 6) -> list[bool]:
    """Let ``lease_count`` threads acquire the same lease at the same moment."""
    barrier = threading.Barrier(lease_count)
    outcomes: list[bool] = [False] * lease_count

    def contender(index: int) -> None:
        barrier.wait()
        outcomes[index] = make_lease(store).acquire(f"run-{index}")

    threads = [
        threading.Thread(target=contender, args=(index,))
        for index in range(lease_count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_threads_racing_for_a_free_lease_have_exactly_one_winner(tmp_path):
    """Of several threads acquiring a free lease at once, exactly one wins."""
    winners = []
    for round_number in range(10):
        store = LocalStore(tmp_path / f"round-{round_number}")

        outcomes = race(store, lambda shared: Lease(shared, ttl_s=60))

        winners.append(outcomes.count(True))
    assert winners == [1] * 10


def test_threads_racing_for_an_expired_lease_have_exactly_one_winner(tmp_path):
    """Of several threads taking over an expired lease at once, one wins."""
    clock = Clock()
    winners = []
    for round_number in range(10):
        store = LocalStore(tmp_path / f"round-{round_number}")
        Lease(store, ttl_s=60, clock=clock).acquire("crashed-run")
        clock.now += 61

        outcomes = race(store, lambda shared: Lease(shared, ttl_s=60, clock=clock))

        winners.append(outcomes.count(True))
    assert winners == [1] * 10


def test_a_write_that_crashes_before_the_rename_keeps_the_old_bytes(
    tmp_path, monkeypatch
):
    """If the process dies before os.replace, readers see the old content."""
    store = LocalStore(tmp_path)
    store.write("snapshots/a.json", b"old")

    def crash(*args):
        raise OSError("simulated crash")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StateError, match="could not write state key"):
        store.write("snapshots/a.json", b"new")
    monkeypatch.undo()

    assert store.read("snapshots/a.json") == b"old"
    assert sorted(os.listdir(tmp_path / "snapshots")) == ["a.json"]


def test_a_leftover_temporary_file_is_invisible(tmp_path):
    """A temporary file left by a crash is neither listed nor read."""
    store = LocalStore(tmp_path)
    store.write("snapshots/a.json", b"old")
    (tmp_path / "snapshots" / ".tmp-crashed").write_bytes(b"half a wri")

    listed = store.list_keys("snapshots/")

    assert listed == ["snapshots/a.json"]
    assert store.read("snapshots/a.json") == b"old"


def test_local_keys_stay_inside_the_directory(tmp_path):
    """A local key maps to a file under the store's directory."""
    store = LocalStore(tmp_path / "state")

    store.write("stats/runs.json", b"{}")

    assert (tmp_path / "state" / "stats" / "runs.json").read_bytes() == b"{}"


def test_local_errors_become_state_errors_naming_the_key(tmp_path):
    """An OS error is raised as StateError naming the step and the key."""
    (tmp_path / "blocker").write_text("a file where a folder should be")
    store = LocalStore(tmp_path)

    with pytest.raises(StateError, match="could not write state key 'blocker/x"):
        store.write("blocker/x.json", b"{}")


# S3 specifics.


def test_s3_keys_live_under_the_prefix(s3_endpoint):
    """An S3 store keeps its keys under its prefix in the bucket."""
    import boto3

    bucket = make_bucket(s3_endpoint)
    store = S3Store(bucket, prefix="/team/drivehr/", endpoint_url=s3_endpoint)

    store.write("stats/runs.json", b"{}")

    client = boto3.client("s3", endpoint_url=s3_endpoint)
    names = [item["Key"] for item in client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert names == ["team/drivehr/stats/runs.json"]
    assert store.list_keys("stats/") == ["stats/runs.json"]


def test_s3_errors_name_the_step_and_key_but_no_credentials(s3_endpoint):
    """A failing S3 call is a StateError with the step, key and error code."""
    store = S3Store("no-such-bucket", endpoint_url=s3_endpoint)

    with pytest.raises(StateError) as caught:
        store.write("stats/runs.json", b"{}")

    message = str(caught.value)
    assert "could not write state key 'stats/runs.json'" in message
    assert "NoSuchBucket" in message
    assert DUMMY_SECRET not in message
    assert caught.value.__cause__ is not None


class RejectsConditionalPuts:
    """An S3 client that answers If-None-Match like an older S3 clone."""

    def __init__(self, client) -> None:
        self.client = client
        self.rejected = 0

    def put_object(self, **kwargs):
        from botocore.exceptions import ClientError

        if "IfNoneMatch" in kwargs:
            self.rejected += 1
            error = {"Error": {"Code": "NotImplemented", "Message": "nope"}}
            raise ClientError(error, "PutObject")
        return self.client.put_object(**kwargs)

    def __getattr__(self, name):
        return getattr(self.client, name)


def test_s3_create_falls_back_when_conditional_puts_are_unsupported(s3_endpoint):
    """Without If-None-Match support, create_if_absent checks, then puts."""
    import boto3

    bucket = make_bucket(s3_endpoint)
    client = RejectsConditionalPuts(boto3.client("s3", endpoint_url=s3_endpoint))
    store = S3Store(bucket, client=client)

    first = store.create_if_absent("leases/x.json", b"one")
    second = store.create_if_absent("leases/x.json", b"two")

    assert (first, second) == (True, False)
    assert store.read("leases/x.json") == b"one"
    assert client.rejected == 1


def test_s3_store_without_boto3_says_what_to_install(monkeypatch):
    """Without boto3 installed, the S3 store explains which extra to add."""
    monkeypatch.setitem(sys.modules, "boto3", None)
    monkeypatch.setitem(sys.modules, "botocore", None)
    monkeypatch.setitem(sys.modules, "botocore.exceptions", None)

    with pytest.raises(StateError, match=r"drivehr-sync\[s3\]"):
        S3Store("bucket")


# Choosing a store from settings.


def test_open_store_defaults_to_the_state_directory(tmp_path):
    """Without STATE_URL the store is a local directory."""
    settings = SimpleNamespace(state_url=None, state_dir=tmp_path / "here")

    store = open_store(settings)

    assert isinstance(store, LocalStore)
    assert store.directory == Path(tmp_path / "here")


def test_open_store_reads_an_s3_url_and_the_endpoint_variable(
    s3_endpoint, monkeypatch, tmp_path
):
    """An s3:// STATE_URL opens that bucket and prefix at AWS_ENDPOINT_URL."""
    bucket = make_bucket(s3_endpoint)
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    settings = SimpleNamespace(
        state_url=f"s3://{bucket}/sync/state", state_dir=tmp_path
    )

    store = open_store(settings)
    store.write("stats/runs.json", json.dumps({"ok": True}).encode())

    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix) == (bucket, "sync/state")
    assert json.loads(store.read("stats/runs.json")) == {"ok": True}
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["gs://bucket/x", "ftp://host/x", "s3:///nobucket"])
def test_open_store_refuses_other_urls(url, tmp_path):
    """A STATE_URL that is not s3://bucket is a configuration error."""
    settings = SimpleNamespace(state_url=url, state_dir=tmp_path)

    with pytest.raises(ConfigError, match="STATE_URL"):
        open_store(settings)
