"""The marketing plugin (work in progress: registers nothing yet)."""
