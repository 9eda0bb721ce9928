from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

import pytest

from creditdesk.domain.errors import ValidationError
from creditdesk.mail.message import (
    Attachment,
    OutgoingMessage,
    Sender,
    build_email,
    envelope,
    message_bytes,
    new_message_id,
)

SENDER = Sender(address="accounts@shop.test", name="Shop Accounts", reply_to="help@shop.test")
WHEN = datetime(2026, 3, 9, 9, 30, tzinfo=timezone(timedelta(hours=1)))
PDF = b"%PDF-1.4\n\x00\x01\x02\xff binary stays binary\n%%EOF\n"


def outgoing(**changes: object) -> OutgoingMessage:
    fields: dict[str, object] = {
        "to": "anna@client.test",
        "to_name": "Anna Berg",
        "subject": "Reminder: invoice INV-00042",
        "text": "Dear Anna,\n\nInvoice INV-00042 is now due.\n",
        "html": "<p>Dear Anna,</p><p>Invoice INV-00042 is now due.</p>",
        "attachments": (Attachment("INV-00042.pdf", PDF),),
        "message_id": "<reminder-42@shop.test>",
    }
    fields |= changes
    return OutgoingMessage(**fields)  # type: ignore[arg-type]


def reparse(email: EmailMessage) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(message_bytes(email))
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_headers_parts_and_attachment_survive_the_trip_to_bytes() -> None:
    parsed = reparse(build_email(SENDER, outgoing(), WHEN))

    assert str(parsed["From"]) == "Shop Accounts <accounts@shop.test>"
    assert str(parsed["To"]) == "Anna Berg <anna@client.test>"
    assert str(parsed["Reply-To"]) == "help@shop.test"
    assert "Bcc" not in parsed
    assert str(parsed["Subject"]) == "Reminder: invoice INV-00042"
    assert parsedate_to_datetime(str(parsed["Date"])) == WHEN
    assert str(parsed["Message-ID"]) == "<reminder-42@shop.test>"

    text = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content().replace("\r\n", "\n") == "Dear Anna,\n\nInvoice INV-00042 is now due.\n"
    assert "<p>Dear Anna,</p>" in html.get_content()
    [pdf] = list(parsed.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == "INV-00042.pdf"
    assert pdf.get_content() == PDF


def test_text_only_message_has_no_html_part() -> None:
    email = build_email(SENDER, outgoing(html=None, attachments=()), WHEN)
    assert email.get_content_type() == "text/plain"


def test_accented_names_subjects_and_text_go_out_as_plain_ascii_with_crlf() -> None:
    sender = Sender(address="buchhaltung@bäckerei.test", name="Bäckerei Müller")
    email = build_email(
        sender,
        outgoing(
            to_name="Zoë Ørsted",
            subject="Zahlungserinnerung für Rechnung 42 ✓",
            text="Sehr geehrte Frau Ørsted,\n\nbitte überweisen Sie 1.234,50 €.\n",
            html="<p>Sehr geehrte Frau Ørsted,</p><p>bitte überweisen Sie 1.234,50 €.</p>",
        ),
        WHEN,
    )
    raw = message_bytes(email)
    head = raw.split(b"\r\n\r\n", 1)[0]

    assert head.isascii()
    assert raw.isascii()  # bodies too: no 8-bit data for servers without 8BITMIME
    assert b"\n" not in raw.replace(b"\r\n", b"")
    parsed = reparse(email)
    assert str(parsed["Subject"]) == "Zahlungserinnerung für Rechnung 42 ✓"
    assert parsed["To"].addresses[0].display_name == "Zoë Ørsted"
    assert parsed["From"].addresses[0].display_name == "Bäckerei Müller"
    text = parsed.get_body(("plain",))
    assert text is not None and "bitte überweisen Sie 1.234,50 €." in text.get_content()
    # The domain travels in its ASCII (punycode) form, which every server accepts.
    assert parsed["From"].addresses[0].domain == "xn--bckerei-5wa.test"


@pytest.mark.parametrize(
    ("sender_changes", "message_changes", "field"),
    [
        ({}, {"subject": "Reminder\r\nBcc: everyone@evil.test"}, "subject"),
        ({}, {"subject": "Reminder\nX-Priority: 1"}, "subject"),
        ({}, {"subject": "Reminder\u2028Bcc: everyone@evil.test"}, "subject"),
        ({}, {"to_name": "Acme Ltd\r\nBcc: everyone@evil.test"}, "client name"),
        ({}, {"to": "anna@client.test\r\nBcc: everyone@evil.test"}, "recipient"),
        ({"name": "Shop\nBcc: everyone@evil.test"}, {}, "From name"),
        ({"address": "accounts@shop.test\r\n"}, {}, "From address"),
        ({"reply_to": "help@shop.test\nBcc: x@evil.test"}, {}, "Reply-to address"),
        ({}, {"attachments": (Attachment("INV\r\n.pdf", PDF),)}, "attachment name"),
    ],
)
def test_a_line_break_in_any_header_is_refused_naming_the_field(
    sender_changes: dict[str, object], message_changes: dict[str, object], field: str
) -> None:
    sender = Sender(**({"address": SENDER.address, "name": SENDER.name} | sender_changes))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=f"^{field} may not contain a line break"):
        build_email(sender, outgoing(**message_changes), WHEN)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"to": "not-an-address"}, "recipient 'not-an-address' is not a valid email address"),
        ({"to": ""}, "recipient is required"),
        ({"to": "jörg@client.test"}, "non-ASCII letters before the @"),
        ({"subject": "  "}, "subject is empty"),
        ({"subject": "Tab\there"}, "control characters"),
    ],
)
def test_bad_recipients_and_subjects_are_refused(changes: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        build_email(SENDER, outgoing(**changes), WHEN)


def test_programming_mistakes_are_not_dressed_up_as_user_errors() -> None:
    with pytest.raises(ValueError, match="time zone"):
        build_email(SENDER, outgoing(), datetime(2026, 3, 9, 9, 30))
    with pytest.raises(ValueError, match="not a Message-ID"):
        build_email(SENDER, outgoing(message_id=""), WHEN)


def test_message_ids_are_new_each_time_in_the_senders_domain() -> None:
    first, second = new_message_id("accounts@shop.test"), new_message_id("accounts@shop.test")
    assert first != second
    assert first.startswith("<") and first.endswith("@shop.test>")


def test_the_kept_message_id_is_reused_when_the_email_is_built_again() -> None:
    message = outgoing(message_id=new_message_id(SENDER.address))
    first = build_email(SENDER, message, WHEN)
    retry = build_email(SENDER, message, WHEN + timedelta(days=1))
    assert first["Message-ID"] == retry["Message-ID"] == message.message_id
    assert first["Date"] != retry["Date"]


def test_bcc_me_reaches_the_envelope_but_never_the_transmitted_headers() -> None:
    email = build_email(Sender(address="accounts@shop.test", bcc_me=True), outgoing(), WHEN)
    mail = envelope(email)

    assert mail.sender == "accounts@shop.test"
    assert mail.recipients == ("anna@client.test", "accounts@shop.test")
    assert b"\r\nBcc:" not in mail.data and not mail.data.startswith(b"Bcc:")
    assert str(email["Bcc"]) == "accounts@shop.test"  # the kept copy still says who got one
    assert b"Bcc: accounts@shop.test" in message_bytes(email)


def test_date_header_is_rfc_5322() -> None:
    email = build_email(SENDER, outgoing(), datetime(2026, 12, 31, 23, 59, 58, tzinfo=UTC))
    assert str(email["Date"]) == "Thu, 31 Dec 2026 23:59:58 +0000"
