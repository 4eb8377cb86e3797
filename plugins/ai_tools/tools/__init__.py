"""tools: salary negotiation, offer comparison, cover letters, and negotiation feedback."""
