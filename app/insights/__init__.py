"""What happened over a period, for team leads: volumes, triggers, causes, replies that worked."""
