"""Reminders: schedules, planning, the outbox and sending, letters, pauses, collection hand-over,
the mail account, the Today list."""
