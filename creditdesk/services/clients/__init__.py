"""Client records, their overview and timeline, chasing settings per client, conversations, risk."""
