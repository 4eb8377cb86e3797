"""``/api/unsubscribe``: the target of every list mail's unsubscribe link (RFC 8058)."""
