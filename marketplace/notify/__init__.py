"""notify feature package."""
