"""Support tickets (signed in or not) and product feedback."""
