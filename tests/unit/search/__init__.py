"""Search engine tests: the Whoosh backend on a fixed corpus, no database."""
