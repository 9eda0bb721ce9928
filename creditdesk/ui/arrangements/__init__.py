"""Promise, payment-plan and dispute dialogs."""
