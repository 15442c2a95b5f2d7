"""rates feature package."""
