"""Helpdesk webhooks: signed deliveries in, triage off the request path, write-back out.

routes.py       receive a delivery: verify, parse, queue, answer 202 at once
signatures.py   each platform's signature scheme, pure functions
events.py       each platform's payload -> the customer message to triage
integrations.py each tenant's connection to a helpdesk, and which hosts it may reach
store.py        integrations and the durable delivery queue, in the service's database
plan.py         a triage result -> tags, priority and the internal note
writeback.py    each platform's API client, refusing unconfigured hosts
worker.py       claims due deliveries, triages, writes back, retries
"""
