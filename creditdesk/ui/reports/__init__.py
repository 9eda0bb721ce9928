"""The Aging tab, its drill-down, the dashboard, statement and batch-statement dialogs."""
