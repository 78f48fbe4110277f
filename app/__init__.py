"""sentiment-triage: triage of customer-service messages."""

__version__ = "0.1.0"
