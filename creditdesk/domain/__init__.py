"""Pure ledger rules: money, terms, allocation, aging and payment behaviour.

Nothing here imports Qt, SQLAlchemy or touches the disk, so every rule can be
tested with plain values and run "as of" any date.
"""
