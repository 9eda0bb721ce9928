"""The company file: SQLAlchemy models, engine set-up, migrations and fast queries."""
