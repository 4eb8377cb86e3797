"""chat: retrieval-augmented answers over the user's own data, with citations."""
