"""One message in, decisions out: triggers, customer type, escalation, memory; no model runtime."""
