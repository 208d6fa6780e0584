"""Clients and services the core relies on (NLU over HTTP, …)."""
