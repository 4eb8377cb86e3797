"""User-made question groups: ordered sets of bank and own questions, shared by link read-only,
practised as a mock interview."""
