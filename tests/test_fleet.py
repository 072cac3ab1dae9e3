"""A fleet (issue 18): ``tolk serve`` and two ``tolk worker``s sharing only PostgreSQL, Redis and
the store, each with a data directory of its own (and, as root, a network namespace and host
name of its own). Three films with interpreters get every variant; one worker is SIGKILLed in
the middle of a job, which the other runs again. The run is tests/fleet.py's, shared with
tests/browser/test_fleet_in_chromium.py, which plays every variant."""

from __future__ import annotations

from fleet import FleetRun


def test_every_job_ends_done_and_the_killed_workers_job_runs_again_on_the_other(fleet: FleetRun) -> None:
    assert [job for job in fleet.jobs if job["state"] != "done"] == []
    killed = next(job for job in fleet.jobs if job["id"] == fleet.killed_job)
    assert 0 < fleet.progress_at_kill < 1  # it died in the middle of the job
    assert (killed["attempts"], killed["error"]) == (2, None)
    assert killed["worker_pid"] == fleet.pids["b"]
    ordered = [job for job in fleet.jobs if job["kinds"] == fleet.ordered]
    assert len(ordered) == len(fleet.items)
    after_the_kill = [job for job in fleet.jobs if job["finished_at"] > fleet.killed_at.replace(tzinfo=None)]
    assert {job["worker_pid"] for job in after_the_kill} == {fleet.pids["b"]}


def test_a_dead_worker_is_known_by_its_heartbeat_alone_on_hosts_of_their_own(fleet: FleetRun) -> None:
    """Each worker records its own host name: the survivor cannot see the dead one's process,
    only that its heartbeat stopped."""
    if not fleet.isolated:
        return  # not root: one host, where a dead worker's process is seen to be gone at once
    hosts = {job["worker_pid"]: job["worker_host"] for job in fleet.jobs}
    assert hosts[fleet.pids["b"]] == fleet.hosts["b"].name
    assert {fleet.hosts["a"].netns, fleet.hosts["b"].netns, fleet.hosts["api"].netns} == {
        host.netns for host in fleet.hosts.values()
    }
    assert len({host.netns for host in fleet.hosts.values()}) == 3


def test_live_progress_reaches_the_api_from_whichever_worker_runs_the_job(fleet: FleetRun) -> None:
    assert fleet.stream_error is None
    names = [name for name, _job in fleet.events]
    assert names[-1] == "done" and set(names[:-1]) == {"progress"}
    running = [(job["attempts"], job["progress"]) for _name, job in fleet.events if job["state"] == "running"]
    assert any(attempt == 1 and progress > 0 for attempt, progress in running)  # from worker A
    assert any(attempt == 2 and progress > 0 for attempt, progress in running)  # from worker B
    assert [job["state"] for _name, job in fleet.events].count("queued") >= 1  # given back between


def test_no_file_was_ever_served_before_it_was_whole(fleet: FleetRun) -> None:
    assert fleet.incomplete == []
    for item_id in fleet.items:
        kinds = {variant["kind"] for variant in fleet.variants(item_id)}
        assert kinds == {"web", *fleet.ordered}
        for variant in fleet.variants(item_id):
            assert fleet.served[variant["url"]] == (variant["size_bytes"], variant["size_bytes"])


def test_the_sweeper_leaves_no_object_that_no_row_names(fleet: FleetRun) -> None:
    def named_or_made_from_named(key: str) -> bool:
        if key in fleet.named:
            return True
        stem = key.split(".d/", 1)[0]  # a copy made from a file (a poster's sizes): its file's
        return any(named.rsplit(".", 1)[0] == stem for named in fleet.named)

    assert [key for key in fleet.stored if not named_or_made_from_named(key)] == []
    assert sorted(fleet.named - set(fleet.stored)) == []  # and no row names a missing object
