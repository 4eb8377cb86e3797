"""The interview plugin (work in progress: registers nothing yet)."""
