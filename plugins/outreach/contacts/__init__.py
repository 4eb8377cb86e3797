"""Outreach: contacts."""
