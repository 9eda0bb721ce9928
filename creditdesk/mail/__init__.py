"""Reminder templates, the outbox's rules and sending through the user's SMTP account."""
