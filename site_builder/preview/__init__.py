"""The live preview: a server, a session that rebuilds what changed, and what it keeps between rebuilds."""
