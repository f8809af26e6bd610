"""The citations: sources, the guard and the store, and the views readers get."""
