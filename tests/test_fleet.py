"""A fleet (issue 18): ``tolk serve`` and two ``tolk worker``s sharing only PostgreSQL, Redis and
the store, each with a data directory of its own (and, as root, a network namespace and host
name of its own). Three films with interpreters get every variant; one worker is SIGKILLed in
the middle of a job, while it moves the outputs into the store, and the other runs the job
again. The run is tests/fleet.py's, shared with
tests/browser/test_fleet_in_chromium.py, which plays every variant."""

from __future__ import annotations

import pytest
from fleet import FleetRun
from fleet import _named_or_made_from as named_or_made_from


def test_every_job_ends_done_and_the_killed_workers_job_runs_again_on_the_other(fleet: FleetRun) -> None:
    assert [job for job in fleet.jobs if job["state"] != "done"] == []
    killed = next(job for job in fleet.jobs if job["id"] == fleet.killed_job)
    assert fleet.state_at_kill == "running" and fleet.progress_seen > 0  # it died in the middle of the job
    assert (killed["attempts"], killed["error"]) == (2, None)
    assert killed["worker_pid"] == fleet.pids["b"]
    ordered = [job for job in fleet.jobs if job["kinds"] == fleet.ordered]
    assert len(ordered) == len(fleet.items)
    after_the_kill = [job for job in fleet.jobs if job["finished_at"] > fleet.killed_at.replace(tzinfo=None)]
    assert {job["worker_pid"] for job in after_the_kill} == {fleet.pids["b"]}


def test_each_process_is_a_host_of_its_own_so_a_dead_worker_is_known_by_its_heartbeat(
    fleet: FleetRun,
) -> None:
    """In namespaces of their own with host names of their own, the survivor cannot see the dead
    worker's process: only that its heartbeat stopped tells it to run the job again."""
    if not fleet.isolated:
        pytest.skip("not root: the processes share this host, where a dead worker is seen gone at once")
    assert len({host.netns for host in fleet.hosts.values()}) == 3
    assert len({host.name for host in fleet.hosts.values()}) == 3
    hosts = {job["worker_host"].split(" ", 1)[0] for job in fleet.jobs}  # the name, not its pid namespace
    assert fleet.hosts["b"].name in hosts and hosts <= {fleet.hosts["a"].name, fleet.hosts["b"].name}


def test_live_progress_reaches_the_api_from_whichever_worker_runs_the_job(fleet: FleetRun) -> None:
    """Each variant job was followed on the API (Server-Sent Events) from its order to its end."""
    assert fleet.stream_errors == []
    for job_id, events in fleet.events.items():
        names = [name for name, _job in events]
        assert names[-1] == "done" and set(names[:-1]) == {"progress"}, job_id
    killed = fleet.events[fleet.killed_job]
    # Worker A's progress reached the API before it died, and the attempt worker B made ended it.
    assert any(job["attempts"] == 1 and 0 < job["progress"] < 1 for _name, job in killed)
    assert killed[-1][1]["attempts"] == 2
    finished_by = {job["id"]: job["worker_pid"] for job in fleet.jobs}
    progress_of_b = [
        job["progress"]
        for job_id, events in fleet.events.items()
        if finished_by[job_id] == fleet.pids["b"]
        for _name, job in events
        if job["state"] == "running" and job["attempts"] == (2 if job_id == fleet.killed_job else 1)
    ]
    assert any(0 < progress < 1 for progress in progress_of_b)  # and worker B's reached it too


def test_no_file_was_ever_served_before_it_was_whole(fleet: FleetRun) -> None:
    assert fleet.incomplete == []
    for item_id in fleet.items:
        kinds = {variant["kind"] for variant in fleet.variants(item_id)}
        assert kinds == {"web", *fleet.ordered}
        for variant in fleet.variants(item_id):
            assert fleet.served[variant["url"]] == (variant["size_bytes"], {variant["size_bytes"]})


def test_what_the_killed_worker_left_in_the_store_is_swept_and_nothing_unnamed_remains(
    fleet: FleetRun,
) -> None:
    """Worker A died with two of its job's outputs in the store and no row naming them yet: no
    row, so no URL, never listed or served. Started again, the worker removed them at once (its
    disk held their marks), and the sweeper then finds nothing that no row names."""
    assert len(fleet.orphans["before"]) == 2
    assert fleet.orphans["after worker A's restart"] == []
    assert fleet.swept == 0
    assert [key for key in fleet.stored if not named_or_made_from(key, fleet.named)] == []
    assert sorted(fleet.named - set(fleet.stored)) == []  # and no row names a missing object
    assert fleet.incomplete_uploads == []


def test_nothing_is_left_in_scratch_spaces_once_a_killed_worker_starts_again(fleet: FleetRun) -> None:
    """The killed worker's half-made outputs stayed on its own disk, where no other process can
    reach them; it clears them when it starts again, though its job was run again elsewhere."""
    assert any(name.startswith("partial-") for name in fleet.scratch["worker-a"])
    assert fleet.scratch["worker-a restarted"] == []
    assert fleet.scratch["api"] == [] and fleet.scratch["worker-b"] == []
