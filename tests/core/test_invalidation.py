"""The per-process user cache and what invalidates it: this host at once, other hosts within the
sync bound (core/invalidation.py)."""

from __future__ import annotations

from lightninghire.invalidation import Board, UserCache, UserInvalidation, board_path


def _host(tmp_path, name, db, clock, sync_seconds=5.0):
    """One host's view: its own board file (no shared memory with the other host), one DB."""
    board = Board(tmp_path / f"{name}.board")
    return UserInvalidation(board, db["principal_epochs"], clock, sync_seconds)


def test_an_entry_is_served_until_its_user_is_invalidated(lh_db, clock, tmp_path):
    invalidation = _host(tmp_path, "a", lh_db, clock)
    cache = UserCache(invalidation, clock, max_age_seconds=300)
    loads = []

    def load():
        loads.append(1)
        return "u1", {"tier": "pro", "n": len(loads)}

    assert cache.get("k", load)["n"] == 1
    assert cache.get("k", load)["n"] == 1  # cached: no second read
    invalidation.invalidate("u2")  # someone else: usually another slot, at worst one re-read
    invalidation.invalidate("u1")
    assert cache.get("k", load)["n"] == len(loads)
    assert len(loads) >= 2


def test_two_caches_on_one_board_see_each_others_invalidations(lh_db, clock, tmp_path):
    """Two processes of one host (gunicorn workers, the CLI) map the same board file."""
    path = tmp_path / "shared.board"
    worker_a = UserCache(UserInvalidation(Board(path), None, clock, 0), clock, max_age_seconds=300)
    writer = UserInvalidation(Board(path), None, clock, 0)
    value = {"n": 0}

    def load():
        value["n"] += 1
        return "u1", dict(value)

    assert worker_a.get("k", load)["n"] == 1
    writer.invalidate("u1")
    assert worker_a.get("k", load)["n"] == 2


def test_another_host_drops_its_entry_within_the_sync_bound(lh_db, clock, tmp_path):
    host_a = _host(tmp_path, "a", lh_db, clock)
    host_b = _host(tmp_path, "b", lh_db, clock)
    cache_b = UserCache(host_b, clock, max_age_seconds=3600)
    value = {"n": 0}

    def load():
        value["n"] += 1
        return "u1", dict(value)

    assert cache_b.get("k", load)["n"] == 1
    host_a.invalidate("u1")  # host B's board does not see this ...
    assert cache_b.get("k", load)["n"] == 1  # ... so within the bound B may still serve it
    clock.advance(seconds=5)
    assert cache_b.get("k", load)["n"] == 2  # after it, B read the epochs and dropped it


def test_a_fill_that_raced_with_a_write_is_not_kept(lh_db, clock, tmp_path):
    invalidation = _host(tmp_path, "a", lh_db, clock)
    cache = UserCache(invalidation, clock, max_age_seconds=300)
    calls = {"n": 0}

    def load_racing():
        calls["n"] += 1
        if calls["n"] == 1:
            invalidation.invalidate("u1")  # the write lands while the read is in flight
        return "u1", calls["n"]

    assert cache.get("k", load_racing) == 1
    assert cache.get("k", load_racing) == 2  # the first read was not trusted


def test_entries_expire_after_the_max_age(lh_db, clock, tmp_path):
    cache = UserCache(_host(tmp_path, "a", lh_db, clock, 0), clock, max_age_seconds=60)
    calls = {"n": 0}

    def load():
        calls["n"] += 1
        return "u1", calls["n"]

    assert cache.get("k", load) == 1
    clock.advance(seconds=59)
    assert cache.get("k", load) == 1
    clock.advance(seconds=2)
    assert cache.get("k", load) == 2


def test_the_board_lives_in_shared_memory_named_after_the_database():
    one = board_path("mongodb://127.0.0.1:1/", "a")
    assert one == board_path("mongodb://127.0.0.1:1/", "a")
    assert one != board_path("mongodb://127.0.0.1:1/", "b")
    assert one.name.startswith("lightninghire-") and one.suffix == ".board"
