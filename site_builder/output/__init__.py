"""Writing the site: every file into a staging folder, then swapped in whole."""
