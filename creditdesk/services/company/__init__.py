"""The company's settings and letterhead, backups, maintenance, file locations, the demo company,
output files."""
