"""``POST /api/contact``: the public contact form, also the channel for privacy requests."""
