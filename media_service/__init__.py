"""Tolk's web service: FastAPI app, database, storage, jobs, pages and the `tolk` CLI."""
