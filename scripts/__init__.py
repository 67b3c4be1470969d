"""Operational scripts: the production processes defined once, the native stack, the smoke and load tests."""
