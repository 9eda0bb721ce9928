"""What a client agreed: promises to pay, payment plans, disputes."""
