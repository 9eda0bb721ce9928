"""Reminder templates: rendered in Jinja2's sandbox, checked before they are saved.

Templates are written by the user, so they run in an immutable sandbox with
``StrictUndefined``: a misspelt placeholder is an error with its line, never a
silent blank in a message to a client, and nothing in a template can reach
Python internals or change the data it is given. Amounts and dates arrive
already formatted in the company's locale, so templates never format money.

The text part is rendered without escaping (it is plain text); the HTML part
is built from that same text and escapes everything, so a client called
``<b>Bold & Co</b>`` shows as written in both.
"""

from __future__ import annotations

import html
import re
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, nodes
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.exceptions import SecurityError
from jinja2.meta import find_undeclared_variables
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing

from creditdesk.domain.errors import ValidationError

_TEMPLATE_FILENAME = "<template>"  # what Jinja names a template made from a string
_MAX_LENGTH = 100_000  # "x" * n longer than this is refused rather than filling memory


class TemplateError(ValidationError):
    """A template that cannot be rendered; ``line`` is 1-based, None when unknown."""

    def __init__(self, part: str, line: int | None, reason: str) -> None:
        where = f"the {part} template" + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {reason}")
        self.part = part
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class TemplateProblem:
    line: int | None
    message: str


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


# --- what a template can see ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientContext:
    name: str
    contact_name: str
    code: str
    email: str


@dataclass(frozen=True)
class InvoiceContext:
    """One invoice of the reminder; dates and amounts already formatted by the caller."""

    number: str
    issue_date: str
    due_date: str
    amount: str
    open_amount: str
    days_overdue: int  # negative before the due date, so templates may compare it


@dataclass(frozen=True)
class CompanyContext:
    name: str
    bank_details: str
    email: str
    phone: str


@dataclass(frozen=True)
class ReminderContext:
    client: ClientContext
    invoices: tuple[InvoiceContext, ...]
    total_overdue: str  # the open amount of the invoices in this reminder, formatted
    company: CompanyContext
    payment_reference: str
    statement_date: str
    interest_accrued: str = ""  # late-payment interest not yet charged, formatted; "" when none

    def variables(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


PLACEHOLDERS: Mapping[str, str] = {
    "client.name": "the client's name",
    "client.contact_name": "the person to address (may be empty)",
    "client.code": "the client's code",
    "client.email": "the client's billing email",
    "invoices": "the invoices of this reminder: loop with {% for invoice in invoices %}",
    "invoice.number": "inside the loop: the invoice number",
    "invoice.issue_date": "inside the loop: the issue date",
    "invoice.due_date": "inside the loop: the due date",
    "invoice.amount": "inside the loop: the invoice total",
    "invoice.open_amount": "inside the loop: what is still to pay",
    "invoice.days_overdue": "inside the loop: days past the due date (negative before it)",
    "total_overdue": "the total still to pay on the invoices of this reminder",
    "company.name": "your company's name",
    "company.bank_details": "your bank details for payment",
    "company.email": "your email address",
    "company.phone": "your phone number",
    "payment_reference": "the reference the client should quote when paying",
    "statement_date": "the date of the attached statement",
    "interest_accrued": "late-payment interest accrued to date and not yet charged (empty when none): "
    "use {% if interest_accrued %}…{% endif %}",
}

_TOP_LEVEL = frozenset(f.name for f in fields(ReminderContext))
_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "client": frozenset(f.name for f in fields(ClientContext)),
    "company": frozenset(f.name for f in fields(CompanyContext)),
    "invoice": frozenset(f.name for f in fields(InvoiceContext)),
}
_LABELS: Mapping[type, str] = {ClientContext: "client", CompanyContext: "company", InvoiceContext: "invoice"}
_KINDS: Mapping[type, str] = {tuple: "a list", list: "a list", str: "a text", int: "a number"}


def _unknown_name(name: str) -> str:
    return f"'{name}' is not a placeholder; use one of {', '.join(sorted(_TOP_LEVEL))}"


def _unknown_attribute(label: str, name: str) -> str:
    choices = ", ".join(f"{label}.{known}" for known in sorted(_ATTRIBUTES[label]))
    return f"'{label}.{name}' is not a placeholder; use one of {choices}"


def sample_context() -> ReminderContext:
    """Made-up values for checking a template and for a preview without a real client."""
    return ReminderContext(
        client=ClientContext("Sample Client Ltd", "Alex Sample", "SAMPLE", "accounts@sample.example"),
        invoices=(
            InvoiceContext("INV-1001", "1 May 2026", "31 May 2026", "£1,200.00", "£1,200.00", 30),
            InvoiceContext("INV-1002", "15 May 2026", "14 Jun 2026", "£480.00", "£240.00", 16),
        ),
        total_overdue="£1,440.00",
        company=CompanyContext(
            "Your Company Ltd",
            "Your Bank, sort code 00-00-00, account 12345678",
            "accounts@yourcompany.example",
            "01234 567890",
        ),
        payment_reference="SAMPLE",
        statement_date="30 Jun 2026",
        interest_accrued="£12.34",
    )


# --- the sandbox ------------------------------------------------------------------------------------


class _Undefined(StrictUndefined):
    """Says which placeholder is unknown in the user's terms, not Python's."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        obj, name = self._undefined_obj, self._undefined_name
        if obj is missing:
            return _unknown_name(str(name))
        label = _LABELS.get(type(obj))
        if label is not None:
            return _unknown_attribute(label, str(name))
        kind = _KINDS.get(type(obj), "this value")
        return f"there is no '{name}' in {kind}"


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, also refusing products and powers that would fill memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise SecurityError("a power above 100 is not allowed in a template")
        if operator == "*":
            for value, count in ((left, right), (right, left)):
                sized = isinstance(value, str | list | tuple) and isinstance(count, int)
                if sized and len(value) * count > _MAX_LENGTH:
                    raise SecurityError(f"text longer than {_MAX_LENGTH} characters is not allowed")
        return super().call_binop(context, operator, left, right)


# trim_blocks and lstrip_blocks: a {% for %} or {% if %} on a line of its own leaves no blank line.
_ENV = _Sandbox(
    undefined=_Undefined,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)


@lru_cache(maxsize=256)
def _compile(source: str) -> Template:
    """Compiled once per text: a batch renders the same few templates for thousands of clients."""
    return _ENV.from_string(source)


def _template_line(exc: BaseException) -> int | None:
    """Jinja rewrites tracebacks so template frames carry template line numbers."""
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == _TEMPLATE_FILENAME]
    return lines[-1] if lines else None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TemplateSyntaxError):
        return f"syntax error: {exc.message}"
    if isinstance(exc, SecurityError):
        return f"not allowed in a template ({exc})"
    if isinstance(exc, TypeError):
        return f"{exc} (amounts and dates are ready-formatted text; compare invoice.days_overdue for numbers)"
    return str(exc) or type(exc).__name__


def _render(part: str, source: str, context: ReminderContext) -> str:
    try:
        return _compile(source).render(context.variables())
    except TemplateSyntaxError as exc:
        raise TemplateError(part, exc.lineno, _reason(exc)) from None
    except (JinjaTemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as exc:
        # Comparing a text to a number, dividing by zero and the like: the template's fault, not ours.
        raise TemplateError(part, _template_line(exc), _reason(exc)) from None


def render_reminder(subject_template: str, body_template: str, context: ReminderContext) -> RenderedMessage:
    """Subject, plain text and HTML of one reminder; raises TemplateError naming the line."""
    subject = _render("subject", subject_template, context).strip()
    if len(subject.splitlines()) > 1:
        # A line break in a header would let a client's name add headers (Bcc:) to the message.
        raise TemplateError("subject", None, "the subject must be a single line once filled in")
    text = _render("body", body_template, context).strip() + "\n"
    return RenderedMessage(subject, text, text_to_html(text, subject))


# --- checking ----------------------------------------------------------------------------------------


def _static_problems(tree: nodes.Template) -> list[TemplateProblem]:
    """Unknown names and attributes, also in branches a sample render would not take."""
    problems: list[TemplateProblem] = []
    unknown = find_undeclared_variables(tree) - _TOP_LEVEL - set(_ENV.globals)
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name in unknown:
            problems.append(TemplateProblem(name.lineno, _unknown_name(name.name)))
    invoice_names = {
        loop.target.name
        for loop in tree.find_all(nodes.For)
        if isinstance(loop.iter, nodes.Name)
        and loop.iter.name == "invoices"
        and isinstance(loop.target, nodes.Name)
    }
    for attr in tree.find_all(nodes.Getattr):
        if not isinstance(attr.node, nodes.Name):
            continue
        owner = attr.node.name
        label = "invoice" if owner in invoice_names else owner
        if label not in _ATTRIBUTES or (label == "invoice" and owner not in invoice_names):
            continue
        if attr.attr not in _ATTRIBUTES[label] and not attr.attr.startswith("_"):
            problems.append(TemplateProblem(attr.lineno, _unknown_attribute(label, attr.attr)))
    return problems


def check_template(text: str, *, single_line: bool = False) -> list[TemplateProblem]:
    """Every problem found before saving: syntax, unknown placeholders, sandbox refusals.

    ``single_line`` is for subjects. Problems are sorted by line.
    """
    try:
        tree = _ENV.parse(text)
    except TemplateSyntaxError as exc:
        return [TemplateProblem(exc.lineno, _reason(exc))]
    problems = _static_problems(tree)
    try:
        rendered = _compile(text).render(sample_context().variables())
    except (JinjaTemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as exc:
        problems.append(TemplateProblem(_template_line(exc), _reason(exc)))
    else:
        if single_line and len(rendered.strip().splitlines()) > 1:
            problems.append(TemplateProblem(None, "the subject must be a single line"))
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.line is None, p.line or 0))


# --- HTML from the text ------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*[-*•]\s+")

_BODY_STYLE = (
    "margin:0;padding:24px;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
    "font-size:15px;line-height:1.5;color:#222;background:#fff"
)


def text_to_html(text: str, title: str = "") -> str:
    """Paragraphs from blank lines, bullet lines as a list, all escaped; inline styles survive webmail."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = paragraph.splitlines()
        if lines and all(_BULLET.match(line) for line in lines):
            items = "".join(
                f'<li style="margin:0 0 4px">{html.escape(_BULLET.sub("", line))}</li>' for line in lines
            )
            blocks.append(f'<ul style="margin:0 0 16px;padding-left:24px">{items}</ul>')
        elif lines:
            body = "<br>\n".join(html.escape(line) for line in lines)
            blocks.append(f'<p style="margin:0 0 16px">{body}</p>')
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        f'<body style="{_BODY_STYLE}"><div style="max-width:640px">\n'
        + "\n".join(blocks)
        + "\n</div></body></html>\n"
    )
