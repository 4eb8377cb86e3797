"""Outreach: templates."""
