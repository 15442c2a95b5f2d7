"""quotes feature package."""
