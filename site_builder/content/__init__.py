"""Loading content: YAML and source files into the typed model, every error located."""
