"""Reports people read, one module per format: text, Markdown, HTML (from template files)."""
