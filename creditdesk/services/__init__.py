"""Use cases that the window and the command line both call.

Each public function takes an open ``Database``, does one user action in one
transaction and returns plain values (domain objects), never ORM rows.
"""
