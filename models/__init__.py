"""Tortoise models, one module per domain. See grassroots/db.py for the app config."""
