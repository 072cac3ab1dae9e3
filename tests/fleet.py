"""A fleet of Tolk processes for tests: one ``tolk serve`` and ``tolk worker``s sharing only
PostgreSQL, Redis and the object store, each with a data directory of its own.

Run as root (CI), each process is put on a host of its own: a network namespace made here,
joined to this one by a veth pair, and a host name of its own (so a worker's death is known to
the others only by its silent heartbeat, as across machines). The shared services listen on
loopback here; a relay in the test process carries each host's connections to them from its
end of the veth pair (and can hold one host's uploads to the store: ``UploadGate``). Without
root each process is a plain child on loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import secrets
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import redis
import sqlalchemy
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from variant_helpers import FINISHED

from bench.live_server import TOLK, free_port, operator_token, stop_serving
from media_service.config import Settings
from media_service.db import make_engine, make_session_factory
from media_service.models import Job
from media_service.storage import open_storage
from seaweedfs import SeaweedFS
from transcode.kinds import VariantKind

API_PORT = 8000  # the API's port inside its own namespace (nothing else listens there)


class UploadGate:
    """Once armed, lets a host's next ``allowed`` uploads to the store (PUT requests) through and
    holds the one after: the host is then in the middle of moving a job's outputs into the store."""

    def __init__(self) -> None:
        self.allowed: int | None = None
        self.held = threading.Event()

    def arm(self, allowed: int) -> None:
        self.allowed = allowed

    def lets_through(self, data: bytes) -> bool:
        if self.allowed is None or not data.startswith(b"PUT "):
            return True
        if self.allowed > 0:
            self.allowed -= 1
            return True
        self.held.set()
        return False


class Relay:
    """TCP forwarding from addresses of this namespace to services on loopback, run by an
    asyncio loop in a thread of the test process."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fleet-relay", daemon=True)
        self.thread.start()
        self.servers: list[asyncio.base_events.Server] = []

    def forward(self, listen_host: str, target_port: int, gate: UploadGate | None = None) -> int:
        """Listen on a free port of ``listen_host``; returns it. Each connection is relayed to
        ``127.0.0.1:target_port`` (what the client sends through ``gate``, if given)."""

        async def start() -> asyncio.base_events.Server:
            return await asyncio.start_server(self._relay(target_port, gate), listen_host, 0)

        server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        self.servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    @staticmethod
    def _relay(target_port: int, gate: UploadGate | None):  # type: ignore[no-untyped-def]
        async def pipe(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, gate: UploadGate | None
        ) -> None:
            try:
                while data := await reader.read(1 << 16):
                    if gate is not None and not gate.lets_through(data):
                        await asyncio.Future()  # held until the relay closes
                    writer.write(data)
                    await writer.drain()
            except OSError:
                pass
            finally:
                with contextlib.suppress(OSError):
                    writer.close()

        async def connected(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", target_port)
            except OSError:
                client_writer.close()
                return
            await asyncio.gather(pipe(client_reader, writer, gate), pipe(reader, client_writer, None))

        return connected

    def close(self) -> None:
        """Stop listening, end every relayed connection, and stop the loop."""

        async def stop() -> None:
            for server in self.servers:
                server.close()
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def can_make_namespaces() -> bool:
    """Root with iproute2 and util-linux's unshare: each process gets a host of its own."""
    return os.geteuid() == 0 and all(
        subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode == 0
        for tool in ("ip", "unshare")
    )


@dataclass
class Host:
    """Where one process runs: ``address`` is how this namespace reaches it, ``gateway`` how it
    reaches the shared services (loopback for a plain child)."""

    name: str
    address: str = "127.0.0.1"
    gateway: str = "127.0.0.1"
    netns: str | None = None
    # Shared service port on loopback -> the port that reaches it from this host.
    ports: dict[int, int] = field(default_factory=dict)

    def reach(self, port: int) -> int:
        return self.ports.get(port, port)

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` run on this host: in its namespace under its own host name. Every step
        execs the next, so the process started is ``argv``'s own (its pid, its signals)."""
        if self.netns is None:
            return argv
        rename = 'hostname "$0" && exec "$@"'
        return ["ip", "netns", "exec", self.netns, "unshare", "--uts", "sh", "-c", rename, self.name, *argv]


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


class Network:
    """Hosts for a fleet, and the relays that let them reach services on this host's loopback."""

    def __init__(self, shared_ports: list[int], *, isolated: bool) -> None:
        self.shared_ports = shared_ports
        self.isolated = isolated
        self.tag = secrets.token_hex(2)
        self.relay = Relay()
        self.hosts: list[Host] = []
        # A /16 of its own for this run, out of the way of the usual private networks.
        self._subnet = f"10.{200 + secrets.randbelow(50)}"

    def host(self, name: str, gates: dict[int, UploadGate] | None = None) -> Host:
        """A host; its connections to the shared ports in ``gates`` pass through those gates."""
        gates = gates or {}
        if not self.isolated:
            host = Host(name)
            host.ports = {port: self.relay.forward("127.0.0.1", port, gate) for port, gate in gates.items()}
            self.hosts.append(host)
            return host
        index = len(self.hosts) + 1
        netns, outside, inside = f"tolk-{self.tag}-{index}", f"tk{self.tag}h{index}", f"tk{self.tag}p{index}"
        gateway, address = f"{self._subnet}.{index}.1", f"{self._subnet}.{index}.2"
        host = Host(name, address=address, gateway=gateway, netns=netns)
        self.hosts.append(host)  # before it is made: whatever was made is taken down
        _ip("netns", "add", netns)
        _ip("link", "add", outside, "type", "veth", "peer", "name", inside, "netns", netns)
        _ip("addr", "add", f"{gateway}/30", "dev", outside)
        _ip("link", "set", outside, "up")
        _ip("-n", netns, "addr", "add", f"{address}/30", "dev", inside)
        _ip("-n", netns, "link", "set", inside, "up")
        _ip("-n", netns, "link", "set", "lo", "up")
        host.ports = {port: self.relay.forward(gateway, port, gates.get(port)) for port in self.shared_ports}
        return host

    def close(self) -> None:
        self.relay.close()
        for host in self.hosts:
            if host.netns is not None:  # the veth pair goes with the namespace
                subprocess.run(["ip", "netns", "del", host.netns], capture_output=True)


class FleetProcess:
    """One ``tolk`` process on a host, its output in ``log``."""

    def __init__(self, host: Host, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.host = host
        self.log = log
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                host.command([*TOLK, *argv]), env=env, stdout=output, stderr=subprocess.STDOUT
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, ready: Callable[[], bool], what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.host.name} exited before {what}:\n{self.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.host.name}: no {what} within {timeout} s:\n{self.output()[-3000:]}"
                )
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: nothing of the process's own clean-up runs, as when its machine dies."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        stop_serving(self.process)


def start_api(host: Host, env: dict[str, str], log: Path) -> tuple[FleetProcess, str]:
    """``tolk serve`` on ``host`` without job workers; returns it and its URL, once it answers."""
    port = API_PORT if host.netns else free_port()
    url = f"http://{host.address}:{port}"
    process = FleetProcess(
        host,
        ["serve", "--host", host.address if host.netns else "127.0.0.1", "--port", str(port)],
        {**env, "TOLK_PUBLIC_URL": url, "TOLK_WORKERS": "0"},
        log,
    )

    def answers() -> bool:
        try:
            return httpx.get(f"{url}/readyz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    process.wait_for(answers, "answer at /readyz")
    return process, url


def start_worker(host: Host, env: dict[str, str], log: Path) -> FleetProcess:
    """``tolk worker`` on ``host``, returned once it takes jobs."""
    process = FleetProcess(host, ["worker", "--workers", "1"], env, log)
    process.wait_for(lambda: "taking jobs from" in process.output(), "taking jobs")
    return process


@contextlib.contextmanager
def _stopped_at_end(processes: list[FleetProcess]) -> Iterator[None]:
    try:
        yield
    finally:
        for process in processes:
            process.stop()


@contextlib.contextmanager
def fleet_network(shared_ports: list[int]) -> Iterator[Network]:
    network = Network(shared_ports, isolated=can_make_namespaces())
    try:
        yield network
    finally:
        network.close()


# --- The fleet test's scenario (tests/test_fleet.py, tests/browser/test_fleet_in_chromium.py) ---

REDIS_DB = 9  # the fleet's keys also carry its queue name, and are removed afterwards
HEARTBEAT_TIMEOUT_SECONDS = 3


class ServedFiles(threading.Thread):
    """Polls the API for everything it lists of ``items`` (source, interpreter recordings,
    variants) and fetches each listed file whole the first time it is listed, from every API
    process (following a redirect to the store): each body must be as long as the size listed
    with it (and have its SHA-256 where one is listed)."""

    def __init__(self, url: str, headers: dict[str, str], players: list[str]) -> None:
        super().__init__(name="fleet-served-files", daemon=True)
        self.client = httpx.Client(base_url=url, headers=headers, timeout=30)
        self.players = players
        self.items: list[int] = []
        self.checked: dict[str, tuple[int, set[int]]] = {}  # url -> (size listed, sizes served)
        self.incomplete: list[str] = []
        self._halt = threading.Event()

    def listed(self, item_id: int) -> list[dict]:
        """Every file the API names for ``item_id`` now."""
        item = self.client.get(f"/api/media/{item_id}").json()
        files = [item["source"]] if item.get("source") else []
        for recording in self.client.get(f"/api/media/{item_id}/interpreters").json():
            files += [recording["file"], *([recording["window_file"]] if recording["window_file"] else [])]
        return files + self.client.get(f"/api/media/{item_id}/variants").json()

    def look(self) -> None:
        for item_id in list(self.items):
            for listed in self.listed(item_id):
                if listed["url"] in self.checked:
                    continue
                bodies = [
                    self.client.get(player + listed["url"], follow_redirects=True).content
                    for player in self.players
                ]
                self.checked[listed["url"]] = (listed["size_bytes"], {len(body) for body in bodies})
                for player, body in zip(self.players, bodies, strict=True):
                    whole = len(body) == listed["size_bytes"]
                    if listed.get("sha256"):
                        whole = whole and hashlib.sha256(body).hexdigest() == listed["sha256"]
                    if not whole:
                        self.incomplete.append(player + listed["url"])

    def run(self) -> None:
        while not self._halt.wait(0.1):
            with contextlib.suppress(httpx.TransportError):
                self.look()

    def stop(self) -> None:
        """Stop polling, after one last look at everything listed."""
        self._halt.set()
        self.join()
        self.look()
        self.client.close()


class ProgressStream(threading.Thread):
    """Reads a job's Server-Sent Events from the API until the stream ends."""

    def __init__(self, url: str, headers: dict[str, str], job_id: int) -> None:
        super().__init__(name=f"fleet-events-{job_id}", daemon=True)
        self.request = (f"{url}/api/jobs/{job_id}/events", headers)
        self.events: list[tuple[str, dict]] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        url, headers = self.request
        name = ""
        try:
            with httpx.stream("GET", url, headers=headers, timeout=httpx.Timeout(10, read=60)) as stream:
                for line in stream.iter_lines():
                    if line.startswith("event: "):
                        name = line.removeprefix("event: ")
                    elif line.startswith("data: "):
                        self.events.append((name, json.loads(line.removeprefix("data: "))))
        except BaseException as error:  # the test reads it
            self.error = error


@dataclass
class FleetRun:
    """What the fleet test saw, for its tests to judge; the API stays up for the browser."""

    url: str
    players: dict[str, str]  # the API processes that serve files, by how they serve them
    headers: dict[str, str]
    isolated: bool  # each process in a network namespace with a host name of its own
    hosts: dict[str, Host]
    pids: dict[str, int]
    items: list[int]
    ordered: list[str]
    films: dict[int, float]  # item id -> the film's duration
    killed_job: int
    killed_at: datetime
    progress_seen: float  # the most of worker A's progress the API had shown before it died
    state_at_kill: str
    orphans: dict[str, list[str]]  # objects in the store that no row names, by when
    jobs: list[dict]  # every job of the items, from the database, once all had ended
    events: dict[int, list[tuple[str, dict]]]  # each variant job's progress stream, start to end
    stream_errors: list[BaseException]
    served: dict[str, tuple[int, set[int]]]  # url -> (size listed, sizes served)
    incomplete: list[str]
    swept: int
    stored: list[str]  # what storage holds after the sweep
    incomplete_uploads: list[str]  # multipart uploads of the store left neither completed nor aborted
    named: set[str]  # the keys rows name
    scratch: dict[str, list[str]]  # what is left in each process's scratch space

    def variants(self, item_id: int) -> list[dict]:
        response = httpx.get(f"{self.url}/api/media/{item_id}/variants", headers=self.headers)
        response.raise_for_status()
        return response.json()


class ObjectStore:
    """A bucket of its own in the S3 server, which every process reaches from its host."""

    def __init__(self, server: SeaweedFS, serve: str = "proxy") -> None:
        self.server = server
        self.serve = serve
        self.bucket = server.make_bucket(f"tolk-fleet-{secrets.token_hex(4)}")

    def ports(self) -> list[int]:
        return [int(urlsplit(self.server.endpoint_url).port or 0)]

    def env(self, host: Host, data_dir: Path) -> dict[str, str]:
        return {
            "TOLK_STORAGE": "s3",
            "TOLK_S3_ENDPOINT_URL": _url_on(self.server.endpoint_url, host),
            "TOLK_S3_BUCKET": self.bucket,
            "TOLK_S3_ACCESS_KEY_ID": self.server.access_key_id,
            "TOLK_S3_SECRET_ACCESS_KEY": self.server.secret_access_key,
            "TOLK_S3_REGION": self.server.region,
            "TOLK_S3_SERVE": self.serve,
        }

    def object_keys(self) -> list[str]:
        pages = self.server.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", []))

    def incomplete_uploads(self) -> list[str]:
        """Multipart uploads begun and neither completed nor aborted."""
        listed = self.server.client().list_multipart_uploads(Bucket=self.bucket)
        return sorted(upload["Key"] for upload in listed.get("Uploads", []))

    def close(self) -> None:
        self.server.drop_bucket(self.bucket)


@dataclass
class Inputs:
    """What the fleet is given: films (each with its duration), an interpreter recording, and
    the tracks every item gets."""

    films: list[tuple[Path, float]]
    interpreter: Path
    captions: bytes
    descriptions: bytes | None  # None: described variants are not ordered (no espeak-ng)


def _fresh_database(server_url: str, name: str) -> str:
    engine = sqlalchemy.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def _drop_database(server_url: str, name: str) -> None:
    engine = sqlalchemy.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    engine.dispose()


def _url_on(url: str, host: Host) -> str:
    """``url`` (a service on loopback) as ``host`` reaches it."""
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port, url
    netloc = parts.netloc.replace(f"127.0.0.1:{parts.port}", f"{host.gateway}:{host.reach(parts.port)}")
    return urlunsplit(parts._replace(netloc=netloc))


def _named_or_made_from(key: str, named: set[str]) -> bool:
    """Whether a row names ``key``, or the file it is a copy of (``Storage.derived_key``)."""
    if key in named:
        return True
    stem = key.split(".d/", 1)[0]
    return any(name.rsplit(".", 1)[0] == stem for name in named)


def _jobs(sessions: sessionmaker[Session], items: list[int]) -> list[dict]:
    with sessions() as session:
        rows = session.scalars(select(Job).where(Job.item_id.in_(items)).order_by(Job.id)).all()
        return [
            {
                "id": job.id,
                "item_id": job.item_id,
                "kind": job.kind,
                "kinds": job.payload.get("kinds", []),
                "lane": job.lane.value,
                "state": job.state.value,
                "attempts": job.attempts,
                "progress": job.progress,
                "worker_host": job.worker_host,
                "worker_pid": job.worker_pid,
                "finished_at": job.finished_at,
                "error": job.error,
            }
            for job in rows
        ]


def _wait(check, what: str, timeout: float, processes: list[FleetProcess]):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.host.name}\n{p.output()[-2000:]}" for p in processes)
            raise AssertionError(f"still waiting for {what} after {timeout} s\n{logs}")
        time.sleep(0.1)
    return result


def _add_item(client: httpx.Client, index: int, film: Path, inputs: Inputs) -> int:
    item = client.post("/api/media", json={"kind": "film", "title": f"Flotta {index}", "published": True})
    assert item.status_code == 201, item.text
    item_id = int(item.json()["id"])
    stored = client.put(f"/api/media/{item_id}/file?filename=film{index}.mp4", content=film.read_bytes())
    assert stored.status_code == 201, stored.text
    added = client.post(f"/api/media/{item_id}/interpreters", content=inputs.interpreter.read_bytes())
    assert added.status_code == 201, added.text
    tracks = [("captions", inputs.captions), ("descriptions", inputs.descriptions)]
    for kind, body in tracks:
        if body is not None:
            response = client.post(
                f"/api/media/{item_id}/captions",
                files={"file": (f"{kind}.vtt", body)},
                data={"language": "sv", "kind": kind},
            )
            assert response.status_code == 201, response.text
    return item_id


@contextlib.contextmanager
def run_fleet(
    folder: Path, inputs: Inputs, postgres_server_url: str, store: ObjectStore
) -> Iterator[FleetRun]:
    """The fleet test, up to the point where only the browser is left to play what it made."""
    from media_service.services.cleanup import _named_keys, sweep_orphans

    tag = secrets.token_hex(4)
    database = f"tolk_fleet_{tag}"
    database_url = _fresh_database(postgres_server_url, database)
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    queue_name = f"tolkfleet{tag}"  # as Huey names its Redis keys (letters and digits kept)
    shared = [int(urlsplit(url).port or 0) for url in (database_url, redis_url)] + store.ports()
    processes: list[FleetProcess] = []
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    try:
        with fleet_network(shared) as network, _stopped_at_end(processes):

            def env_for(host: Host, name: str, **settings: str) -> dict[str, str]:
                data_dir = folder / name
                return {
                    # Nothing of this test run's own settings: each process has only its own.
                    **{name: value for name, value in os.environ.items() if not name.startswith("TOLK_")},
                    "TOLK_DATA_DIR": str(data_dir),
                    "TOLK_DATABASE_URL": _url_on(database_url, host),
                    "TOLK_QUEUE_URL": _url_on(redis_url, host),
                    "TOLK_QUEUE_NAME": queue_name,
                    "TOLK_HLS": "false",
                    "TOLK_JOB_HEARTBEAT_TIMEOUT_SECONDS": str(HEARTBEAT_TIMEOUT_SECONDS),
                    "TOLK_JOB_RETRY_DELAY_SECONDS": "0",
                    **store.env(host, data_dir),
                    **{f"TOLK_{key.upper()}": value for key, value in settings.items()},
                }

            api_host = network.host("fleet-api")
            api, url = start_api(api_host, env_for(api_host, "api"), folder / "api.log")
            processes.append(api)
            # A second API process sends players to the store itself (presigned URLs).
            redirect_host = network.host("fleet-api-redirect")
            redirect_env = env_for(redirect_host, "api-redirect", s3_serve="redirect")
            redirecting, redirect_url = start_api(redirect_host, redirect_env, folder / "api-r.log")
            processes.append(redirecting)
            players = {"api": url, "redirect": redirect_url}
            # The worker to be killed encodes slowly (a slow preset, honestly more work), and
            # its uploads to the store pass a gate of the test's, which holds one of them.
            gate = UploadGate()
            doomed_host = network.host("fleet-worker-a", gates={port: gate for port in store.ports()})
            survivor_host = network.host("fleet-worker-b")
            doomed_env = env_for(doomed_host, "worker-a", variant_preset="slower")
            doomed = start_worker(doomed_host, doomed_env, folder / "a.log")
            processes.append(doomed)
            survivor = start_worker(
                survivor_host, env_for(survivor_host, "worker-b", variant_preset="veryfast"), folder / "b.log"
            )
            processes.append(survivor)

            here = Host("test")
            operator = env_for(here, "operator")  # the test's own, as an operator's shell
            token = operator_token(operator, "fleet")
            headers = {"Authorization": f"Bearer {token}"}
            client = httpx.Client(base_url=url, headers=headers, timeout=60)
            served = ServedFiles(url, headers, list(players.values()))
            served.start()

            items: list[int] = []
            for index, (film, _duration) in enumerate(inputs.films, 1):
                items.append(_add_item(client, index, film, inputs))
                served.items.append(items[-1])

            def ended(jobs: list[dict]) -> list[dict] | None:
                return jobs if all(job["state"] in FINISHED for job in jobs) else None

            # The uploads' own jobs (remux, the sign window) first: then worker A's next
            # uploads are a variant job's outputs.
            _wait(lambda: ended(_jobs(sessions, items)), "the uploads' jobs to end", 90, processes)
            # Two of the outputs reach the store, the third is held: A dies while publishing.
            gate.arm(allowed=2)
            kinds = [kind.value for kind in VariantKind if kind is not VariantKind.WEB]
            if inputs.descriptions is None:
                kinds = [kind for kind in kinds if "described" not in kind]
            streams: dict[int, ProgressStream] = {}
            for item_id in items:
                response = client.post(f"/api/media/{item_id}/variants", json={"kinds": kinds})
                assert response.status_code == 202, response.text
                # Followed live on the API from the moment it is ordered, as the editor does.
                streams[response.json()["id"]] = ProgressStream(url, headers, response.json()["id"])
                streams[response.json()["id"]].start()

            def doomed_job() -> dict | None:
                running = [
                    job
                    for job in _jobs(sessions, items)
                    if job["state"] == "running" and job["worker_pid"] == doomed.pid and job["kinds"]
                ]
                return running[0] if running else None

            victim = _wait(doomed_job, "worker A to run a variant job", 90, processes)
            stream = streams[victim["id"]]

            def progress_seen() -> float:
                progress = [
                    e["progress"]
                    for name, e in stream.events
                    if name == "progress" and e["state"] == "running"
                ]
                return max(progress, default=0.0)

            progress_seen = _wait(progress_seen, "progress of worker A's job on the API", 120, processes)
            _wait(gate.held.is_set, "worker A to move its outputs into the store", 120, processes)
            state_at_kill = next(job for job in _jobs(sessions, items) if job["id"] == victim["id"])["state"]
            killed_at = datetime.now(UTC)
            doomed.kill()

            jobs = _wait(lambda: ended(_jobs(sessions, items)), "every job to end", 180, processes)
            for each in streams.values():
                each.join(30)
            served.stop()

            def unnamed() -> list[str]:
                with sessions() as session:
                    named = _named_keys(session)
                return [key for key in store.object_keys() if not _named_or_made_from(key, named)]

            def scratch_of(name: str) -> list[str]:
                return sorted(path.name for path in (folder / name / "tmp").rglob("*") if path.is_file())

            orphans = {"before": unnamed()}
            scratch = {name: scratch_of(name) for name in ("api", "worker-a", "worker-b")}
            # Worker A's machine comes back: the worker starts again on its own disk, where the
            # marks of what it was moving into the store when it died are.
            processes.append(start_worker(doomed_host, doomed_env, folder / "a-again.log"))
            orphans["after worker A's restart"] = unnamed()
            scratch["worker-a restarted"] = scratch_of("worker-a")
            # The workers' part is over: only the API processes stay up, for the browser (the
            # fixture lives as long as the test session).
            for worker in processes[2:]:
                worker.stop()
            # The sweeper once more, with no grace period: every job has ended.
            settings = Settings(
                **{name[5:].lower(): value for name, value in operator.items() if name.startswith("TOLK_")}
            )
            swept = sweep_orphans(sessions, open_storage(settings), grace_seconds=0)
            with sessions() as session:
                named = _named_keys(session)
            yield FleetRun(
                url=url,
                players=players,
                headers=headers,
                isolated=network.isolated,
                hosts={"api": api_host, "a": doomed_host, "b": survivor_host},
                pids={"api": api.pid, "a": doomed.pid, "b": survivor.pid},
                items=items,
                ordered=kinds,
                films={
                    item_id: duration for item_id, (_f, duration) in zip(items, inputs.films, strict=True)
                },
                killed_job=victim["id"],
                killed_at=killed_at,
                progress_seen=progress_seen,
                state_at_kill=state_at_kill,
                orphans=orphans,
                jobs=jobs,
                events={job_id: each.events for job_id, each in streams.items()},
                stream_errors=[each.error for each in streams.values() if each.error is not None],
                served=served.checked,
                incomplete=served.incomplete,
                swept=swept,
                stored=store.object_keys(),
                incomplete_uploads=store.incomplete_uploads(),
                named=named,
                scratch=scratch,
            )
    finally:
        engine.dispose()
        store.close()
        _drop_database(postgres_server_url, database)
        keys = redis.Redis.from_url(redis_url)
        for key in keys.scan_iter(f"*{queue_name}*"):
            keys.delete(key)
        keys.close()
