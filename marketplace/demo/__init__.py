"""demo feature package."""
