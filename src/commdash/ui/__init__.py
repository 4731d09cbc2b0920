"""Everything Textual: the app, its screens and widgets. Nothing outside this package imports
Textual or reaches into it (the import contracts in pyproject.toml)."""
