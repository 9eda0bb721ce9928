"""CreditDesk: desktop credit control for small businesses."""

__version__ = "0.1.0"
