"""Tenants, their banks and settings, and API keys."""
