"""Reading the sources: config, front matter, articles, Markdown, URLs."""
