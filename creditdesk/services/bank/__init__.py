"""Payments in from the bank: statements read and matched, and the entries the user works through."""
