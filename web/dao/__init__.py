"""Queries, as small named functions; views and tasks call these instead of building queries."""
