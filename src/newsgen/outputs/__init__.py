"""Rendering outputs: pages, feeds, sitemaps, search, static files, templates."""
