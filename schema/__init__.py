"""Strawberry types, inputs, enums and error types, per domain; schema.py assembles them."""
