"""The Clients tab and the dialogs that edit a client, its chasing, credit, conversations and notes."""
