"""The jobsearch plugin (work in progress: registers nothing yet)."""
