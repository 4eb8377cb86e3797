"""The billing plugin (work in progress: registers nothing yet)."""
