"""Lead magnets: ``POST /api/leads`` and the ``lead-drip`` sequence."""
