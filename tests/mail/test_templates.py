from __future__ import annotations

from dataclasses import replace

import pytest

from creditdesk.domain.chasing import Attachment, Channel, Stage, schedule_problems
from creditdesk.domain.errors import ValidationError
from creditdesk.mail.default_schedule import DEFAULT_SCHEDULE
from creditdesk.mail.templates import (
    PLACEHOLDERS,
    ReminderContext,
    TemplateError,
    TemplateProblem,
    check_template,
    render_reminder,
    sample_context,
    text_to_html,
)

BODY = """\
Dear {{ client.contact_name or client.name }},

{% for invoice in invoices %}
- {{ invoice.number }} due {{ invoice.due_date }}: {{ invoice.open_amount }}
{% endfor %}

Total: {{ total_overdue }}
"""


def context_for(name: str = "Acme Ltd", contact: str = "", email: str = "ap@acme.example") -> ReminderContext:
    sample = sample_context()
    return replace(sample, client=replace(sample.client, name=name, contact_name=contact, email=email))


# --- rendering --------------------------------------------------------------------------------------------


def test_render_fills_the_placeholders_and_loops_without_blank_lines() -> None:
    message = render_reminder("Reminder for {{ client.name }}", BODY, context_for())
    assert message.subject == "Reminder for Acme Ltd"
    assert message.text == (
        "Dear Acme Ltd,\n"
        "\n"
        "- INV-1001 due 31 May 2026: £1,200.00\n"
        "- INV-1002 due 14 Jun 2026: £240.00\n"
        "\n"
        "Total: £1,440.00\n"
    )


def test_every_placeholder_listed_for_the_editor_renders() -> None:
    loop = [p for p in PLACEHOLDERS if p.startswith("invoice.")]
    plain = [p for p in PLACEHOLDERS if not p.startswith("invoice.")]
    body = " ".join(f"{{{{ {p} }}}}" for p in plain if p != "invoices")
    body += "{% for invoice in invoices %}" + " ".join(f"{{{{ {p} }}}}" for p in loop) + "{% endfor %}"
    assert check_template(body) == []
    text = render_reminder("s", body, sample_context()).text
    assert "Sample Client Ltd" in text and "INV-1002" in text and "£240.00" in text


def test_html_is_made_from_the_same_text() -> None:
    message = render_reminder("Hello", BODY, context_for(contact="Jo"))
    html = message.html
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Hello</title>" in html
    assert "<p" in html and ">Dear Jo,</p>" in html
    assert ">INV-1001 due 31 May 2026: £1,200.00</li>" in html  # bullet lines become a list
    assert ">Total: £1,440.00</p>" in html


def test_html_keeps_line_breaks_within_a_paragraph() -> None:
    html = text_to_html("Pay to\nBank 123\nRef X\n\nThanks")
    assert "Pay to<br>\nBank 123<br>\nRef X</p>" in html
    assert ">Thanks</p>" in html


def test_a_client_name_with_markup_is_escaped_in_html_and_kept_in_text() -> None:
    name = "<b>Bold & Co</b>"
    message = render_reminder("Invoices for {{ client.name }}", BODY, context_for(name=name))
    assert message.subject == "Invoices for <b>Bold & Co</b>"
    assert "Dear <b>Bold & Co</b>," in message.text
    assert "<b>" not in message.html
    assert "&lt;b&gt;Bold &amp; Co&lt;/b&gt;" in message.html
    assert "<title>Invoices for &lt;b&gt;Bold &amp; Co&lt;/b&gt;</title>" in message.html


def test_html_escapes_quotes_and_script() -> None:
    html = text_to_html("- <script>alert('x')</script>\n- \"quoted\"")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&quot;quoted&quot;" in html


# --- errors with their line ----------------------------------------------------------------------------


def test_an_unknown_placeholder_names_its_line() -> None:
    with pytest.raises(TemplateError) as caught:
        render_reminder("Hi", "Hello\n\nDear {{ client.nmae }},\n", context_for())
    error = caught.value
    assert isinstance(error, ValidationError)
    assert error.part == "body"
    assert error.line == 3
    assert "'client.nmae' is not a placeholder" in str(error)
    assert "client.name" in str(error)
    assert str(error).startswith("the body template, line 3:")


def test_an_unknown_top_level_name_names_its_line() -> None:
    with pytest.raises(TemplateError) as caught:
        render_reminder("{{ totl }}", "body", context_for())
    assert (caught.value.part, caught.value.line) == ("subject", 1)
    assert "'totl' is not a placeholder; use one of client, company, interest_accrued, invoices" in str(
        caught.value
    )


def test_a_syntax_error_names_its_line() -> None:
    with pytest.raises(TemplateError) as caught:
        render_reminder(
            "Hi", "one\ntwo\n{% for invoice in invoices %}\n{{ invoice.number }}\n", context_for()
        )
    assert caught.value.line is not None
    assert "syntax error" in str(caught.value)
    problems = check_template("one\n{{ client.name }\nthree")
    assert problems == [TemplateProblem(2, problems[0].message)]
    assert problems[0].message.startswith("syntax error:")


def test_check_template_finds_unknown_placeholders_in_branches_not_taken() -> None:
    text = (
        "{% if false %}\n"
        "{{ company.fax }}\n"
        "{% endif %}\n"
        "{% for item in invoices %}\n"
        "{{ item.number }} {{ item.amount_due }}\n"
        "{% endfor %}\n"
        "{{ nobody }}\n"
    )
    problems = check_template(text)
    assert [p.line for p in problems] == [2, 5, 7]
    assert "'company.fax' is not a placeholder" in problems[0].message
    assert "'invoice.amount_due' is not a placeholder" in problems[1].message
    assert "'nobody' is not a placeholder" in problems[2].message


def test_check_template_accepts_good_templates_and_local_names() -> None:
    assert check_template(BODY) == []
    assert check_template("{% set n = invoices|length %}{{ n }} {{ client.name|upper }}") == []


def test_comparing_formatted_text_with_a_number_explains_itself() -> None:
    with pytest.raises(TemplateError, match="ready-formatted text"):
        render_reminder("s", "{% if total_overdue > 100 %}big{% endif %}", context_for())
    assert (
        check_template("{% for i in invoices %}{% if i.days_overdue > 20 %}late{% endif %}{% endfor %}") == []
    )


# --- the sandbox ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "{{ ''.__class__ }}",
        "{{ client.__init__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ client.name.__class__.__base__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ client|attr('__dict__') }}",
        "{{ '{0.__class__}'.format(client) }}",
        "{{ 'x' * 100000000 }}",
        "{{ 'x' * 50000 * 50000 }}",
        "{{ 9 ** 99999999 }}",
    ],
)
def test_the_sandbox_refuses_internals_and_memory_bombs(text: str) -> None:
    with pytest.raises(TemplateError, match="not allowed in a template") as caught:
        render_reminder("s", "first line\n" + text, context_for())
    assert caught.value.line == 2
    (problem,) = check_template(text)
    assert problem.line == 1
    assert "not allowed in a template" in problem.message


def test_the_data_cannot_be_changed_from_a_template() -> None:
    for text in ("{{ invoices.append(1) }}", "{% set _ = {}.update(a=1) %}", "{{ [].pop() }}"):
        with pytest.raises(TemplateError):
            render_reminder("s", text, context_for())


def test_huge_ranges_are_refused() -> None:
    with pytest.raises(TemplateError, match="Range too big"):
        render_reminder("s", "{% for i in range(10**9) %}x{% endfor %}", context_for())


# --- the subject is one header line -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Evil\nBcc: victim@example.com", "Evil\r\nBcc: victim@example.com", "Evil\rX"]
)
def test_a_line_break_in_the_rendered_subject_is_refused(name: str) -> None:
    with pytest.raises(TemplateError, match="subject must be a single line") as caught:
        render_reminder(
            "Invoices for {{ client.name }} overdue", "Dear {{ client.name }}", context_for(name=name)
        )
    assert caught.value.part == "subject"


def test_a_line_break_through_the_email_is_refused_too() -> None:
    with pytest.raises(TemplateError, match="single line"):
        render_reminder("For {{ client.email }}", "b", context_for(email="a@b.example\nBcc: c@d.example"))


def test_a_subject_template_is_trimmed_to_its_line() -> None:
    assert render_reminder("  Reminder {{ client.code }}\n", "b", context_for()).subject == "Reminder SAMPLE"


def test_check_template_flags_a_multi_line_subject() -> None:
    problems = check_template("Reminder\n{{ client.name }}", single_line=True)
    assert [p.message for p in problems] == ["the subject must be a single line"]
    assert check_template("Reminder\n{{ client.name }}") == []


# --- the default schedule ---------------------------------------------------------------------------------


def test_the_default_schedule_is_as_the_issue_describes() -> None:
    assert schedule_problems(DEFAULT_SCHEDULE) == ()
    stages = DEFAULT_SCHEDULE.stages
    assert [(s.name, s.offset_days, s.channel) for s in stages] == [
        ("Friendly heads-up", -3, Channel.EMAIL),
        ("Just a reminder", 1, Channel.EMAIL),
        ("Second reminder", 14, Channel.EMAIL),
        ("Final notice", 30, Channel.EMAIL),
        ("Letter before action", 45, Channel.LETTER),
    ]
    assert not any(s.automatic for s in stages)
    assert all(s.fee is None for s in stages)
    assert Attachment.STATEMENT in stages[3].attachments
    assert Attachment.STATEMENT in stages[4].attachments
    assert (DEFAULT_SCHEDULE.min_gap_days, str(DEFAULT_SCHEDULE.min_amount)) == (7, "1.00")


@pytest.mark.parametrize("stage", DEFAULT_SCHEDULE.stages, ids=lambda s: s.key)
def test_the_default_templates_pass_the_check_and_render(stage: Stage) -> None:
    assert check_template(stage.subject_template, single_line=True) == []
    assert check_template(stage.body_template) == []
    sample = sample_context()
    one_invoice = replace(
        sample,
        invoices=sample.invoices[:1],
        company=replace(sample.company, bank_details="", phone="", email=""),
        client=replace(sample.client, contact_name=""),
    )
    for context in (sample, one_invoice):
        message = render_reminder(stage.subject_template, stage.body_template, context)
        assert context.total_overdue in message.subject
        assert message.text.startswith(f"Dear {context.client.contact_name or context.client.name},\n\n")
        assert "\n\n\n" not in message.text
        assert context.payment_reference in message.text
        assert all(invoice.number in message.text for invoice in context.invoices)
        assert context.company.name in message.text.splitlines()[-3:]  # signed by the company
        assert "{{" not in message.text and "{%" not in message.text
    plural = render_reminder(stage.subject_template, stage.body_template, sample).text
    single = render_reminder(stage.subject_template, stage.body_template, one_invoice).text
    assert "invoices" in plural
    assert "following invoice " in single or "following invoice," in single


def test_the_default_wording_thanks_and_makes_paying_easy() -> None:
    sample = sample_context()
    for stage in DEFAULT_SCHEDULE.stages[:3]:
        text = render_reminder(stage.subject_template, stage.body_template, sample).text
        assert "thank you for your business" in text.lower()
    for stage in DEFAULT_SCHEDULE.stages:
        text = render_reminder(stage.subject_template, stage.body_template, sample).text
        assert sample.company.bank_details in text
        assert sample.payment_reference in text
