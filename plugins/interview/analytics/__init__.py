"""Practice analytics: mock score trend by category, practice counts, weakest categories, from
counters kept on write; the mock-scores CSV export."""
