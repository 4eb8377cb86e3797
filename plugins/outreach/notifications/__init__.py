"""Outreach: notifications."""
