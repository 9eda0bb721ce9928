"""The Outbox and Today tabs, sending, reminder schedules and templates, the mail account dialog."""
