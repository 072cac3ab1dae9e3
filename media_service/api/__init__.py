"""The JSON API under /api, documented by OpenAPI at /docs."""
