"""accounts feature package."""
