"""The outreach plugin (work in progress: registers nothing yet)."""
