"""The ai_tools plugin (work in progress: registers nothing yet)."""
