"""billing feature package."""
