"""site-builder: publish a sourced timeline as a static site."""

__version__ = "0.1.0"
