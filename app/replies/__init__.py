"""What an agent could say: the response bank, the playbook, the learning loop, the reply review."""
