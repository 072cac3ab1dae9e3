"""One function per use case; routes and the CLI call these, never the database directly."""
