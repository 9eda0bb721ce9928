"""The chasing schedule a new company starts with, and its wording.

It lives in ``mail`` rather than ``domain`` because the stages carry template
text written against the placeholders of ``mail.templates``; the tests render
every one of them against that context. The schedule itself is a plain
``domain.chasing.Schedule``.

The tone rises gently: thanks and a heads-up before the due date, a light
reminder, a firmer one offering a payment plan, a final notice with a
statement, then a letter before action. Every stage says how to pay and
invites the client to get in touch. The wording avoids "email" and
"attached" so that it still reads right when a stage goes by post to a
client without an email address. The letter before action gives 30 days,
the period English pre-action rules ask of individuals and sole traders;
users should check it against their own jurisdiction before relying on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from creditdesk.domain.chasing import Attachment, Channel, Schedule, Stage
from creditdesk.domain.payment_plans import NudgeKind

_GREETING = "Dear {{ client.contact_name or client.name }},\n"

_INVOICE_LIST = """\
{% for invoice in invoices %}
- Invoice {{ invoice.number }} of {{ invoice.issue_date }}, due {{ invoice.due_date }}: \
{{ invoice.open_amount }}
{% endfor %}
"""

_INVOICE_LIST_OVERDUE = """\
{% for invoice in invoices %}
- Invoice {{ invoice.number }} of {{ invoice.issue_date }}, due {{ invoice.due_date }}: \
{{ invoice.open_amount }} ({{ invoice.days_overdue }} days overdue)
{% endfor %}
"""

_INTEREST = """\
{% if interest_accrued %}
Late-payment interest of {{ interest_accrued }} has accrued to date under our terms. It is not \
included in the total above, and is charged only on a separate invoice.

{% endif %}
"""

_HOW_TO_PAY = """\
{% if company.bank_details %}
Paying is simple: a bank transfer to
{{ company.bank_details }}
quoting the reference {{ payment_reference }} lets us match your payment straight away.
{% else %}
When you pay, please quote the reference {{ payment_reference }} so we can match your payment \
straight away.
{% endif %}
"""

_SIGN_OFF = """\
{{ company.name }}
{% if company.phone %}
{{ company.phone }}
{% endif %}
{% if company.email %}
{{ company.email }}
{% endif %}
"""

_COURTESY = (
    _GREETING
    + """
Thank you for your business. This is a friendly heads-up that the following \
{{ "invoice falls" if invoices|length == 1 else "invoices fall" }} due in the next few days:

"""
    + _INVOICE_LIST
    + """
That comes to {{ total_overdue }} in all, and we have included \
{{ "a copy" if invoices|length == 1 else "copies" }} for your convenience. If payment is \
already arranged, thank you, and please ignore this note.

"""
    + _HOW_TO_PAY
    + """
If anything does not look right, just get in touch and we will put it right.

With thanks and kind regards,

"""
    + _SIGN_OFF
)

_FIRST = (
    _GREETING
    + """
We hope all is well. Our records show that the following \
{{ "invoice is" if invoices|length == 1 else "invoices are" }} now past the due date:

"""
    + _INVOICE_LIST
    + """
Total now due: {{ total_overdue }}

These things are easily missed, so we have included \
{{ "a copy" if invoices|length == 1 else "copies" }} again. If your payment is already on its \
way, thank you, and please disregard this reminder.

"""
    + _HOW_TO_PAY
    + """
If there is a question about the \
{{ "invoice" if invoices|length == 1 else "invoices" }}, or you would like to talk about how to \
pay, just get in touch: we are happy to help.

Thank you for your business.

Kind regards,

"""
    + _SIGN_OFF
)

_SECOND = (
    _GREETING
    + """
We wrote to you recently about the following \
{{ "invoice" if invoices|length == 1 else "invoices" }}, and our records show that \
{{ "it is" if invoices|length == 1 else "they are" }} still unpaid:

"""
    + _INVOICE_LIST_OVERDUE
    + """
Total overdue: {{ total_overdue }}

Could you please arrange payment within the next seven days, or let us know when we can \
expect it? If paying in one go is difficult at the moment, please talk to us: we can usually \
agree a payment plan that works for you.

"""
    + _HOW_TO_PAY
    + """
If you have already paid, thank you, and please accept our apologies for this reminder.

We value working with you, and thank you for your business.

Kind regards,

"""
    + _SIGN_OFF
)

_FINAL = (
    _GREETING
    + """
Despite our earlier reminders, the following \
{{ "invoice remains" if invoices|length == 1 else "invoices remain" }} unpaid:

"""
    + _INVOICE_LIST_OVERDUE
    + """
Total overdue: {{ total_overdue }}

We have included a statement of your account as of {{ statement_date }} together with \
{{ "a copy of the invoice" if invoices|length == 1 else "copies of the invoices" }}.

Please pay {{ total_overdue }} within seven days. If we do not hear from you, we will have \
to consider further steps to recover the debt, which we would much rather avoid.

"""
    + _INTEREST
    + _HOW_TO_PAY
    + """
If there is a reason payment has not been made, a query or difficulty paying, please contact us \
today so that we can resolve it together.

Kind regards,

"""
    + _SIGN_OFF
)

_BEFORE_ACTION = (
    _GREETING
    + """
Outstanding balance: {{ total_overdue }}

We have written to you several times about the following \
{{ "invoice, which remains" if invoices|length == 1 else "invoices, which remain" }} unpaid:

"""
    + _INVOICE_LIST_OVERDUE
    + """
A statement of your account as of {{ statement_date }} is enclosed.

We value our relationship with you and would much prefer to settle this without further action. \
However, unless we receive payment of {{ total_overdue }}, or hear from you with a reasonable \
proposal for paying it, within 30 days of the date of this letter, we may pass the debt to a \
collection agency or start court proceedings to recover it, which may add interest and costs to \
the amount you owe.

If you dispute any of the invoices, please write to us within the same 30 days and tell us why. \
If you are having difficulty paying, please contact us now: we are willing to agree a payment plan.

"""
    + _INTEREST
    + _HOW_TO_PAY
    + """
Yours sincerely,

"""
    + _SIGN_OFF
)


DEFAULT_SCHEDULE = Schedule(
    name="Standard",
    stages=(
        Stage(
            key="heads-up",
            name="Friendly heads-up",
            offset_days=-3,
            channel=Channel.EMAIL,
            subject_template=("A friendly heads-up from {{ company.name }}: {{ total_overdue }} due soon"),
            body_template=_COURTESY,
            attachments=frozenset({Attachment.INVOICES}),
        ),
        Stage(
            key="reminder",
            name="Just a reminder",
            offset_days=1,
            channel=Channel.EMAIL,
            subject_template="Just a reminder: {{ total_overdue }} now due to {{ company.name }}",
            body_template=_FIRST,
            attachments=frozenset({Attachment.INVOICES}),
        ),
        Stage(
            key="second",
            name="Second reminder",
            offset_days=14,
            channel=Channel.EMAIL,
            subject_template="Second reminder: {{ total_overdue }} overdue to {{ company.name }}",
            body_template=_SECOND,
            attachments=frozenset({Attachment.INVOICES}),
        ),
        Stage(
            key="final",
            name="Final notice",
            offset_days=30,
            channel=Channel.EMAIL,
            subject_template="Final notice: {{ total_overdue }} overdue to {{ company.name }}",
            body_template=_FINAL,
            attachments=frozenset({Attachment.INVOICES, Attachment.STATEMENT}),
        ),
        Stage(
            key="before-action",
            name="Letter before action",
            offset_days=45,
            channel=Channel.LETTER,
            subject_template="Letter before action: {{ total_overdue }} owed to {{ company.name }}",
            body_template=_BEFORE_ACTION,
            attachments=frozenset({Attachment.STATEMENT}),
        ),
    ),
)


# --- payment-plan instalments ----------------------------------------------------------------------


@dataclass(frozen=True)
class NudgeWording:
    """A payment-plan nudge as ``str.format`` templates.

    Fields: {name} (the contact, else the client), {company}, {number} (the
    instalment's), {due_date}, {amount} (what is left of the instalment),
    {reference}, {how_to_pay} (a sentence, or empty without bank details) and
    {signature}. Plain formatting, not the schedule's templates: a nudge is
    about one instalment, which the reminder placeholders do not describe.
    """

    stage_name: str
    subject: str
    body: str


PLAN_NUDGES: dict[NudgeKind, NudgeWording] = {
    NudgeKind.COMING_UP: NudgeWording(
        stage_name="Instalment coming up",
        subject="Instalment {number} of your payment plan with {company}: {amount} due {due_date}",
        body=(
            "Dear {name},\n\n"
            "Thank you for keeping to the payment plan we agreed. This is a friendly note that "
            "instalment {number}, {amount}, is due on {due_date}.\n\n"
            "{how_to_pay}"
            "If anything has changed and that date no longer suits you, please let us know before it "
            "and we will gladly look at it with you.\n\n"
            "Kind regards,\n\n{signature}"
        ),
    ),
    NudgeKind.MISSED: NudgeWording(
        stage_name="Instalment missed",
        subject="Instalment {number} of your payment plan with {company}: {amount} not yet received",
        body=(
            "Dear {name},\n\n"
            "We have not yet received instalment {number} of your payment plan, {amount}, which was "
            "due on {due_date}. If you have just paid it, thank you, and please disregard this note.\n\n"
            "{how_to_pay}"
            "If something has come up, please get in touch soon: we would much rather adjust the plan "
            "with you than see it lapse and normal reminders resume.\n\n"
            "Kind regards,\n\n{signature}"
        ),
    ),
}
