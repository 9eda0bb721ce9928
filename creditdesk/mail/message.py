"""Reminder emails as they go out: every header checked, parts assembled, bytes kept.

User text (client names, addresses, subjects rendered from templates) reaches the
headers here, so this is where line breaks are refused: one in a header would let
a client record add its own headers (an extra Bcc, say) to a reminder.
"""

from __future__ import annotations

import copy
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address, AddressHeader
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.validation import check_email

PDF = "application/pdf"

# Line breaks Python or a mail server might honour, besides CR and LF.
_LINE_BREAKS = frozenset("\x85\u2028\u2029")

# CRLF line ends, and bodies in quoted-printable or base64 rather than raw 8-bit:
# a server that does not offer 8BITMIME may mangle accented text sent as 8-bit.
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime: str = PDF


@dataclass(frozen=True, kw_only=True)
class Sender:
    """Who a reminder comes from, as the SMTP settings describe it."""

    address: str
    name: str = ""
    reply_to: str = ""
    bcc_me: bool = False


@dataclass(frozen=True, kw_only=True)
class OutgoingMessage:
    """One outbox message, ready to become an email.

    ``message_id`` is made once, when the message is queued, and kept with it:
    a retry after a lost connection then carries the same Message-ID, so the
    recipient's mail system can tell it is the same message.
    """

    to: str
    subject: str
    text: str
    message_id: str
    to_name: str = ""
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()


def check_header(value: str, *, field: str) -> str:
    """Refuse anything that could end a header line early (header injection)."""
    for char in value:
        if char in "\r\n" or char in _LINE_BREAKS:
            raise ValidationError(f"{field} may not contain a line break; put it on one line")
        if unicodedata.category(char) == "Cc":
            raise ValidationError(f"{field} may not contain control characters such as tabs")
    return value


def _ascii_domain(domain: str, *, field: str) -> str:
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(f"{field} has a domain name that cannot be used in email") from None


def mail_address(address: str, *, field: str, name: str = "", name_field: str = "") -> Address:
    """A checked address, its domain in the ASCII form every mail server accepts."""
    check_header(address, field=field)
    check_header(name, field=name_field or f"{field} name")
    address = check_email(address, field=field)
    if not address:
        raise ValidationError(f"{field} is required")
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise ValidationError(
            f"{field} '{address}' has accented or other non-ASCII letters before the @, "
            "which most mail servers refuse; ask the client for a plain address"
        )
    return Address(display_name=name.strip(), username=local, domain=_ascii_domain(domain, field=field))


def new_message_id(sender_address: str) -> str:
    """A fresh Message-ID in the sender's domain, to be stored with the outbox message."""
    sender = mail_address(sender_address, field="From address")
    return make_msgid(domain=sender.domain)


def _message_id(value: str) -> str:
    value = value.strip()
    check_header(value, field="Message-ID")
    inner = value[1:-1]
    if not (value.startswith("<") and value.endswith(">") and "@" in inner) or any(
        char in inner for char in "<> "
    ):
        raise ValueError(f"not a Message-ID: {value!r}; make one with new_message_id() when queueing")
    return value


def build_email(sender: Sender, message: OutgoingMessage, date: datetime) -> EmailMessage:
    """The email exactly as it will be sent and kept.

    ``date`` must carry its time zone: a reminder's Date header is read by people
    in other zones, and the one the app runs in is the honest one to show.
    """
    if date.tzinfo is None or date.utcoffset() is None:
        raise ValueError("the Date of an email needs a time zone")
    subject = check_header(message.subject, field="subject").strip()
    if not subject:
        raise ValidationError("subject is empty; every reminder needs one")
    from_address = mail_address(
        sender.address, field="From address", name=sender.name, name_field="From name"
    )
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = from_address
    email["To"] = mail_address(message.to, field="recipient", name=message.to_name, name_field="client name")
    if sender.reply_to.strip():
        email["Reply-To"] = mail_address(sender.reply_to, field="Reply-to address")
    if sender.bcc_me:
        email["Bcc"] = Address(username=from_address.username, domain=from_address.domain)
    email["Subject"] = subject
    email["Date"] = format_datetime(date)
    email["Message-ID"] = _message_id(message.message_id)
    email.set_content(message.text)
    if message.html is not None:
        email.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.mime.partition("/")
        if not maintype or not subtype:
            raise ValueError(f"not a MIME type: {attachment.mime!r}")
        email.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=check_header(attachment.filename, field="attachment name"),
        )
    return email


def message_bytes(email: EmailMessage) -> bytes:
    """The bytes to keep as the sent message's ``.eml`` (CRLF line ends, as on the wire)."""
    return email.as_bytes(policy=MAIL_POLICY)


@dataclass(frozen=True)
class Envelope:
    """What the SMTP conversation needs: MAIL FROM, RCPT TO and the data."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes


def _addresses(email: EmailMessage, name: str) -> list[Address]:
    found: list[Address] = []
    for header in email.get_all(name, []):
        if not isinstance(header, AddressHeader):
            raise ValueError("only emails made by build_email() can be sent")
        found.extend(header.addresses)
    return found


def envelope(email: EmailMessage) -> Envelope:
    """Recipients from To, Cc and Bcc; the Bcc header itself is never transmitted."""
    senders = _addresses(email, "From")
    if len(senders) != 1:
        raise ValueError("an email needs exactly one From address")
    recipients = tuple(
        dict.fromkeys(
            address.addr_spec for name in ("To", "Cc", "Bcc") for address in _addresses(email, name)
        )
    )
    if not recipients:
        raise ValueError("an email needs at least one recipient")
    wire = email
    if "Bcc" in email:
        # The same shallow copy smtplib's send_message makes: deleting a header
        # rebinds the copy's header list and leaves the caller's message whole.
        wire = copy.copy(email)
        del wire["Bcc"]
    return Envelope(senders[0].addr_spec, recipients, message_bytes(wire))
