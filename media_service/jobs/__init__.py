"""Durable jobs: the database is the record of each job, a task queue only carries "run job N".

- ``records``: every change of a job's state, each one conditional so no two workers own a job;
- ``queue``: the Huey queue (SQLite in the data directory, or Redis) and enqueueing on commit;
- ``context``: what a job's handler is given (``JobContext``) and the errors it may raise;
- ``worker``: running a job (progress, heartbeat, cancel, retries) and the pool of workers.

The handlers themselves are service functions: the application hands the workers their table
(``media_service.app.job_handlers``), so nothing here imports ``media_service.services``.
"""
