"""Pipeline analytics: the funnel, applications per week and the average match, from counters
kept on write; the pipeline CSV export."""
