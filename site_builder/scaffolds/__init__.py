"""Templates `site-builder new` writes from (package data, so an installed site-builder has them)."""
