"""The cron plugin (work in progress: registers nothing yet)."""
