"""Durable jobs: the database is the record of each job, a task queue only carries "run job N".

- ``records``: every change of a job's state, each one conditional so no two workers own a job;
- ``queue``: the Huey queue (SQLite in the data directory, or Redis) and enqueueing on commit;
- ``worker``: running a job (progress, heartbeat, cancel, retries) and the pool of workers.
"""
