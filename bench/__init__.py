"""`make bench`: builds organisations with seed_demo and prints a figure per line (not a test)."""
