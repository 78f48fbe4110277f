"""The vocabulary, settings, domain values, errors and logging: imports nothing else of app."""
