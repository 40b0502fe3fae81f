"""Rendering: the site model to output files (path -> bytes). Nothing here reads YAML."""
