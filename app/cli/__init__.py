"""The `triage` command line: backlogs, one message, API keys."""
