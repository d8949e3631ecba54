"""Renderings of a Document: canonical JSON, a readable tree."""
