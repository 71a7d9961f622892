"""SQLite storage behind a small repository class."""
