"""What the API does, per domain: queries, mutations, loaders; authorisation lives here."""
