"""Web adapters (``@name``), one module each; each registers like a plugin."""
