"""Consent, the structured summary, the queue, the caseworker console and the live relay."""
