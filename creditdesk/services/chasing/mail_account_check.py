"""Trying the mail settings on screen before they are saved.

The settings dialog's "Send test email" tests what the user sees, not what was
saved last time: finding out the port is wrong should not need a save first.
A password left empty means the one already stored for that user name.
"""

from __future__ import annotations

import ssl

from creditdesk.domain.errors import ValidationError
from creditdesk.mail.smtp import send_test
from creditdesk.services.chasing.mail_account import SmtpForm, labelled, login_for, smtp_problems


def send_test_with_form(
    form: SmtpForm, to: str, password: str | None = None, *, ssl_context: ssl.SSLContext | None = None
) -> str:
    """Send the test message with ``form``; the server's reply, or SendError with its exact reason."""
    problems = smtp_problems(form)
    if problems.errors:
        raise ValidationError("SMTP settings: " + "; ".join(labelled(p) for p in problems.errors))
    config = form.config()
    return send_test(config, login_for(config, password), to.strip(), ssl_context=ssl_context)
