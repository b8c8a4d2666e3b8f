"""Delivered snapshots: saving, listing, finding, pruning, surviving damage."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from drivehr_sync.errors import StateError
from drivehr_sync.snapshots import (
    LATEST_KEY,
    Snapshot,
    SnapshotHistory,
    load_payload_file,
)
from drivehr_sync.state import LocalStore

START = datetime(2026, 12, 3, 18, 55, 1, tzinfo=UTC)


def payload(*ids: str) -> dict:
    return {
        "source": "drivehr",
        "requestId": "req",
        "timestamp": "2026-12-03T18:55:01.000Z",
        "total_count": len(ids),
        "jobs": [{"id": f"drivehr-{job}", "title": f"Job {job}"} for job in ids],
    }


@pytest.fixture
def store(tmp_path):
    return LocalStore(tmp_path)


def save_several(history: SnapshotHistory, count: int) -> list[Snapshot]:
    return [
        history.save(
            payload(*[str(n) for n in range(index + 1)]),
            {"success": True, "total": index + 1},
            request_id=f"{index:08d}-aaaa-bbbb",
            now=START + timedelta(minutes=index),
        )
        for index in range(count)
    ]


def test_a_saved_snapshot_keeps_the_payload_and_response(store):
    """save returns a snapshot holding exactly what was delivered."""
    history = SnapshotHistory(store)
    sent = payload("1", "2")

    snapshot = history.save(
        sent, {"success": True}, request_id="4f1c2d3e-9999", now=START
    )

    assert snapshot.snapshot_id == "20261203T185501000Z-4f1c2d3e"
    assert snapshot.created_at == "2026-12-03T18:55:01.000Z"
    assert snapshot.payload == sent
    assert snapshot.response == {"success": True}
    assert snapshot.job_count == 2
    assert snapshot.outcome == "synced"
    assert [job["id"] for job in snapshot.jobs()] == ["drivehr-1", "drivehr-2"]


def test_a_saved_snapshot_reads_back_from_a_new_history(store):
    """A snapshot saved through one history object is read by another."""
    saved = SnapshotHistory(store).save(
        payload("1"), None, request_id="abc", outcome="restored", now=START
    )

    loaded = SnapshotHistory(store).get(saved.snapshot_id)

    assert loaded == saved


def test_summary_names_id_time_jobs_request_and_outcome(store):
    """to_summary gives the fields the history command prints."""
    snapshot = SnapshotHistory(store).save(
        payload("1", "2", "3"), None, request_id="req-1", now=START
    )

    summary = snapshot.to_summary()

    assert summary == {
        "id": "20261203T185501000Z-req1",
        "createdAt": "2026-12-03T18:55:01.000Z",
        "jobs": 3,
        "requestId": "req-1",
        "outcome": "synced",
    }


def test_list_is_newest_first(store):
    """list returns every snapshot, the newest first."""
    history = SnapshotHistory(store)
    saved = save_several(history, 3)

    listed = history.list()

    assert [item.snapshot_id for item in listed] == [
        item.snapshot_id for item in reversed(saved)
    ]


def test_latest_is_the_newest_save_and_the_pointer_follows(store):
    """latest returns the newest snapshot, and the pointer names it."""
    history = SnapshotHistory(store)
    saved = save_several(history, 3)

    latest = history.latest()

    assert latest == saved[-1]
    assert history.latest_summary() == saved[-1].to_summary()
    assert json.loads(store.read(LATEST_KEY))["id"] == saved[-1].snapshot_id


def test_latest_is_none_before_any_save(store):
    """An empty history has no latest snapshot."""
    history = SnapshotHistory(store)

    assert history.latest() is None
    assert history.latest_summary() is None
    assert history.list() == []


def test_two_saves_in_one_second_for_one_request_both_survive(store):
    """Saving twice in the same second never overwrites the first snapshot."""
    history = SnapshotHistory(store)

    first = history.save(payload("1"), None, request_id="same", now=START)
    second = history.save(payload("2"), None, request_id="same", now=START)

    assert first.snapshot_id != second.snapshot_id
    assert history.get(first.snapshot_id).jobs()[0]["id"] == "drivehr-1"
    assert history.latest().jobs()[0]["id"] == "drivehr-2"


def test_get_accepts_a_unique_prefix(store):
    """get finds a snapshot by a prefix of its id that only it has."""
    history = SnapshotHistory(store)
    saved = save_several(history, 3)

    found = history.get("20261203T1856")

    assert found == saved[1]


def test_get_refuses_an_ambiguous_prefix(store):
    """A prefix shared by two snapshots raises StateError listing them."""
    history = SnapshotHistory(store)
    save_several(history, 3)

    with pytest.raises(StateError, match=r"ambiguous.*3 snapshots"):
        history.get("20261203T18")


def test_get_refuses_an_unknown_id(store):
    """An id no snapshot has raises StateError."""
    history = SnapshotHistory(store)
    save_several(history, 1)

    with pytest.raises(StateError, match="no snapshot '2025"):
        history.get("2025")


def test_get_latest_is_the_newest(store):
    """get('latest') returns the newest snapshot."""
    history = SnapshotHistory(store)
    saved = save_several(history, 2)

    assert history.get("latest") == saved[-1]


def test_saving_prunes_beyond_keep(store):
    """Only the newest `keep` snapshots remain after a save."""
    history = SnapshotHistory(store, keep=3)

    saved = save_several(history, 5)

    assert [item.snapshot_id for item in history.list()] == [
        item.snapshot_id for item in reversed(saved[2:])
    ]
    assert len(store.list_keys("snapshots/")) == 3


def test_latest_skips_a_corrupt_newest_snapshot(store):
    """A torn newest snapshot file leaves the previous one as latest."""
    history = SnapshotHistory(store)
    saved = save_several(history, 2)
    key = f"snapshots/{saved[-1].snapshot_id}.json"
    store.write(key, store.read(key)[:40])

    latest = history.latest()

    assert latest == saved[0]
    assert [item.snapshot_id for item in history.list()] == [saved[0].snapshot_id]


def test_latest_skips_a_snapshot_that_is_json_but_not_a_snapshot(store):
    """A newest file without a jobs payload does not count as latest."""
    history = SnapshotHistory(store)
    saved = save_several(history, 1)
    store.write("snapshots/20991231T000000000Z-bogus.json", b'{"payload": 3}')

    assert history.latest() == saved[0]


def test_get_of_a_corrupt_snapshot_raises(store):
    """Asking for a damaged snapshot by id raises StateError."""
    history = SnapshotHistory(store)
    saved = save_several(history, 1)
    store.write(f"snapshots/{saved[0].snapshot_id}.json", b"{")

    with pytest.raises(StateError, match="unreadable"):
        history.get(saved[0].snapshot_id)


def test_a_payload_that_is_not_json_is_refused(store):
    """Saving a payload JSON cannot hold raises StateError and stores nothing."""
    history = SnapshotHistory(store)

    with pytest.raises(StateError, match="not JSON"):
        history.save({"jobs": [object()]}, None, request_id="x", now=START)

    assert store.list_keys("") == []


def test_payload_file_may_be_a_snapshot(store, tmp_path):
    """load_payload_file returns the payload inside a snapshot file."""
    snapshot = SnapshotHistory(store).save(
        payload("7"), None, request_id="r", now=START
    )
    path = tmp_path / "snapshots" / f"{snapshot.snapshot_id}.json"

    loaded = load_payload_file(path)

    assert loaded == payload("7")


def test_payload_file_may_be_a_bare_payload_or_jobs_list(tmp_path):
    """load_payload_file accepts a payload object or a bare list of jobs."""
    bare = tmp_path / "payload.json"
    bare.write_text(json.dumps(payload("1")))
    jobs = tmp_path / "jobs.json"
    jobs.write_text(json.dumps(payload("2")["jobs"]))

    assert load_payload_file(bare) == payload("1")
    assert load_payload_file(jobs) == {"jobs": payload("2")["jobs"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "not valid JSON"), ('{"jobs": 3}', "neither a snapshot nor")],
)
def test_payload_file_that_is_not_a_payload_is_refused(tmp_path, content, message):
    """A file holding no jobs list raises StateError naming the file."""
    path = tmp_path / "bad.json"
    path.write_text(content)

    with pytest.raises(StateError, match=message):
        load_payload_file(path)


def test_missing_payload_file_is_a_state_error(tmp_path):
    """A payload file that does not exist raises StateError."""
    with pytest.raises(StateError, match="could not read payload file"):
        load_payload_file(tmp_path / "absent.json")
