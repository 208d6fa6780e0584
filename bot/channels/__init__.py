"""Thin adapters between a messaging channel and the conversation core: they translate only."""
