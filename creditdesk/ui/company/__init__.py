"""Company settings and backups."""
