"""context: the user's data as the other plugins contribute it through ``user_context``."""
