"""Importers: other tools' timelines to event files."""
