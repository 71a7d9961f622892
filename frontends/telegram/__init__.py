"""Telegram front end: one module per topic, each with register(app)."""
