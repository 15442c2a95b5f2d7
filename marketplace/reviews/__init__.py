"""reviews feature package."""
