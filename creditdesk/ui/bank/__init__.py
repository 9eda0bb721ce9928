"""The Bank tab: payments in from bank statements, and what was done with each."""
