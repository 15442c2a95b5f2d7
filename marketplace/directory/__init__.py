"""directory feature package."""
