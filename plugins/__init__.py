"""First-party domain plugins (import package ``lightninghire_plugins``); each is enabled by name."""
