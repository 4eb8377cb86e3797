"""Outreach: messages."""
