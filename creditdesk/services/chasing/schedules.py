"""Chasing schedules as stored: the company default, a client's own, editing and choosing them.

The default schedule is written to the file the first time anything needs it,
from ``DEFAULT_SCHEDULE``, so a new company starts with the shipped wording and
can then edit it like any other schedule. Stage keys never change on save:
reminders already in the outbox refer to stages by key, so an edited stage
keeps its place in every client's history.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creditdesk.domain.chasing import Attachment, Channel, Schedule, Stage, schedule_problems
from creditdesk.domain.errors import LedgerError, NotFoundError, ValidationError
from creditdesk.domain.invoice import InvoiceStatus
from creditdesk.domain.money import currency_exponent, from_minor, round_money, to_minor
from creditdesk.domain.ranges import MAX_AMOUNT_TEXT, amount_in_range
from creditdesk.mail.default_schedule import DEFAULT_SCHEDULE as DEFAULT_SCHEDULE
from creditdesk.mail.templates import check_template
from creditdesk.services.company.settings import company_in
from creditdesk.store.database import Database
from creditdesk.store.models import ChaseSchedule, ChaseStage, Client, Invoice
from creditdesk.store.unit_of_work import UnitOfWork

NAME_MAX_LENGTH = 100  # the columns' width, for the schedule and each stage


class ScheduleRefused(ValidationError):
    """A schedule that was not saved; ``problems`` lists everything wrong, each naming its stage."""

    def __init__(self, name: str, problems: tuple[str, ...]) -> None:
        super().__init__(f"schedule '{name.strip()}' was not saved: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ScheduleChoice:
    """A stored schedule as a list or drop-down shows it."""

    id: int
    name: str
    stages: int
    is_default: bool  # the company's default, used for every client without its own
    clients: int  # clients that have it as their own schedule


# --- between rows and domain objects -------------------------------------------------------------


def schedule_of(row: ChaseSchedule, exponent: int) -> Schedule:
    """The domain schedule of a stored one; ``exponent`` is the company currency's."""
    return Schedule(
        name=row.name,
        stages=tuple(_stage_of(stage, exponent) for stage in row.stages),
        min_gap_days=row.min_gap_days,
        min_amount=from_minor(row.min_amount, exponent),
    )


def _stage_of(row: ChaseStage, exponent: int) -> Stage:
    attachments = set()
    if row.attach_invoices:
        attachments.add(Attachment.INVOICES)
    if row.attach_statement:
        attachments.add(Attachment.STATEMENT)
    return Stage(
        key=row.key,
        name=row.name,
        offset_days=row.offset_days,
        channel=Channel(row.channel),
        subject_template=row.subject,
        body_template=row.body,
        attachments=frozenset(attachments),
        fee=None if row.fee is None else from_minor(row.fee, exponent),
        automatic=row.automatic,
    )


def _stage_row(stage: Stage, exponent: int) -> ChaseStage:
    return ChaseStage(
        key=stage.key,
        name=stage.name.strip(),
        offset_days=stage.offset_days,
        channel=stage.channel.value,
        subject=stage.subject_template.strip(),
        body=stage.body_template,
        attach_invoices=Attachment.INVOICES in stage.attachments,
        attach_statement=Attachment.STATEMENT in stage.attachments,
        fee=None if stage.fee is None else to_minor(stage.fee, exponent),
        automatic=stage.automatic,
    )


def _fill(row: ChaseSchedule, schedule: Schedule, exponent: int) -> None:
    row.name = schedule.name.strip()
    row.min_gap_days = schedule.min_gap_days
    row.min_amount = to_minor(schedule.min_amount, exponent)


def _exponent(session: Session) -> int:
    return currency_exponent(company_in(session).currency)


# --- the default schedule ------------------------------------------------------------------------


def _free_name(session: Session, name: str) -> str:
    taken = set(session.scalars(select(ChaseSchedule.name)))
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name} {number}", number + 1
    return candidate


def default_schedule_in(session: Session) -> ChaseSchedule:
    """The company's default schedule, stored from ``DEFAULT_SCHEDULE`` the first time it is needed."""
    company = company_in(session)
    if company.chase_schedule_id is not None:
        row = session.get(ChaseSchedule, company.chase_schedule_id)
        if row is not None:
            return row
    exponent = currency_exponent(company.currency)
    row = ChaseSchedule(stages=[_stage_row(stage, exponent) for stage in DEFAULT_SCHEDULE.stages])
    _fill(row, DEFAULT_SCHEDULE, exponent)
    row.name = _free_name(session, DEFAULT_SCHEDULE.name)
    session.add(row)
    session.flush()
    company.chase_schedule_id = row.id
    session.flush()
    return row


def default_schedule_id(db: Database) -> int:
    with UnitOfWork(db, write=True) as uow:
        row = default_schedule_in(uow.session)
        uow.commit()
        return row.id


# --- reading ----------------------------------------------------------------------------------------


def list_schedules(db: Database) -> list[ScheduleChoice]:
    """Every schedule, the default first, then by name (the default is stored if it was not yet)."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        default_id = default_schedule_in(session).id
        uow.commit()
        users = dict(
            session.execute(
                select(Client.chase_schedule_id, func.count(Client.id))
                .where(Client.chase_schedule_id.is_not(None))
                .group_by(Client.chase_schedule_id)
            ).all()
        )
        stages = dict(
            session.execute(
                select(ChaseStage.schedule_id, func.count(ChaseStage.id)).group_by(ChaseStage.schedule_id)
            ).all()
        )
        rows = session.execute(select(ChaseSchedule.id, ChaseSchedule.name)).all()
        choices = [
            ScheduleChoice(sid, name, stages.get(sid, 0), sid == default_id, users.get(sid, 0))
            for sid, name in rows
        ]
    return sorted(choices, key=lambda c: (not c.is_default, c.name.casefold()))


def _schedule_row(session: Session, schedule_id: int) -> ChaseSchedule:
    row = session.get(ChaseSchedule, schedule_id)
    if row is None:
        raise NotFoundError("this schedule no longer exists; it may have been deleted in another window")
    return row


def get_schedule(db: Database, schedule_id: int) -> Schedule:
    with UnitOfWork(db) as uow:
        session = uow.session
        return schedule_of(_schedule_row(session, schedule_id), _exponent(session))


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError("this client no longer exists; it may have been removed by an import")
    return client


def _schedule_row_of_client(session: Session, client: Client) -> ChaseSchedule:
    if client.chase_schedule_id is not None:
        row = session.get(ChaseSchedule, client.chase_schedule_id)
        if row is not None:
            return row
    return default_schedule_in(session)


def client_schedule(db: Database, client_id: int) -> Schedule:
    """The schedule a client is chased by: its own, else the company's default."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        row = _schedule_row_of_client(session, _client(session, client_id))
        schedule = schedule_of(row, _exponent(session))
        uow.commit()  # keeps the default if it was stored just now
        return schedule


# --- checking and saving -----------------------------------------------------------------------------


def _places_problem(what: str, amount: Decimal, exponent: int) -> str | None:
    if not amount.is_finite():
        return f"{what} is not a number"
    if not amount_in_range(amount):
        return f"{what} {amount:f} is larger than CreditDesk accepts ({MAX_AMOUNT_TEXT})"
    if amount == round_money(amount, exponent):
        return None
    return f"{what} {amount} has more than {exponent} decimal places"


def _template_problems(stage: Stage) -> list[str]:
    label = stage.name.strip() or f"stage '{stage.key}'"
    problems = [
        f"{label}, subject: {problem.message}"
        for problem in check_template(stage.subject_template, single_line=True)
    ]
    for problem in check_template(stage.body_template):
        where = "body" if problem.line is None else f"body line {problem.line}"
        problems.append(f"{label}, {where}: {problem.message}")
    return problems


def schedule_save_problems(schedule: Schedule, exponent: int) -> tuple[str, ...]:
    """Everything that stops ``schedule`` being saved, for the editor to list; each names its stage."""
    problems = list(schedule_problems(schedule))
    if len(schedule.name.strip()) > NAME_MAX_LENGTH:
        problems.append(f"the schedule name is longer than {NAME_MAX_LENGTH} characters")
    if (problem := _places_problem("the minimum amount", schedule.min_amount, exponent)) is not None:
        problems.append(problem)
    for stage in schedule.stages:
        label = stage.name.strip() or f"stage '{stage.key}'"
        if len(stage.name.strip()) > NAME_MAX_LENGTH:
            problems.append(f"{label}: the name is longer than {NAME_MAX_LENGTH} characters")
        if stage.fee is not None and (problem := _places_problem("the fee", stage.fee, exponent)):
            problems.append(f"{label}: {problem}")
        problems.extend(_template_problems(stage))
    return tuple(problems)


def save_schedule(db: Database, schedule_id: int | None, schedule: Schedule) -> int:
    """Save a new schedule (``schedule_id`` None) or replace a stored one; returns its id.

    Every problem is found before anything is written; a refusal saves nothing.
    Stages are stored afresh each time: nothing refers to a stage row, only to
    its key, which the editor keeps for every stage it did not add.
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        exponent = _exponent(session)
        problems = schedule_save_problems(schedule, exponent)
        if problems:
            raise ScheduleRefused(schedule.name, problems)
        default_schedule_in(session)  # stored first, so the shipped wording keeps its name
        name = schedule.name.strip()
        clash = select(ChaseSchedule.id).where(ChaseSchedule.name == name)
        if schedule_id is not None:
            clash = clash.where(ChaseSchedule.id != schedule_id)
        if session.scalar(clash) is not None:
            raise ValidationError(f"another schedule is already called '{name}'; choose another name")
        if schedule_id is None:
            row = ChaseSchedule()
            _fill(row, schedule, exponent)
            session.add(row)
        else:
            row = _schedule_row(session, schedule_id)
            row.stages.clear()
            session.flush()  # old stages go before new ones take their keys and days
            _fill(row, schedule, exponent)
        row.stages.extend(_stage_row(stage, exponent) for stage in schedule.stages)
        session.flush()
        uow.commit()
        return row.id


_NOT_KEY = re.compile(r"[^a-z0-9]+")


def new_stage_key(name: str, taken: set[str] | frozenset[str]) -> str:
    """A key for a stage the editor adds: from its name, unlike any key in ``taken``.

    ``taken`` should hold the keys the schedule has and had (see the outbox),
    so a new stage is never mistaken for one already sent.
    """
    ascii_name = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    base = _NOT_KEY.sub("-", ascii_name).strip("-")[:24].strip("-") or "stage"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def delete_schedule(db: Database, schedule_id: int) -> None:
    """Delete a schedule nobody uses; the default and schedules clients have are refused."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        row = _schedule_row(session, schedule_id)
        if company_in(session).chase_schedule_id == row.id:
            raise LedgerError(
                f"'{row.name}' is the company's default schedule; make another schedule the default "
                "before deleting it"
            )
        codes = session.scalars(
            select(Client.code).where(Client.chase_schedule_id == row.id).order_by(Client.code)
        ).all()
        if codes:
            shown = ", ".join(codes[:5]) + (f" and {len(codes) - 5} more" if len(codes) > 5 else "")
            raise LedgerError(
                f"'{row.name}' is the schedule of {len(codes)} client{'s' if len(codes) != 1 else ''} "
                f"({shown}); give them another schedule before deleting it"
            )
        session.delete(row)
        uow.commit()


def set_default_schedule(db: Database, schedule_id: int) -> None:
    """Make a schedule the company default: it chases every client without one of its own."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        company_in(session).chase_schedule_id = _schedule_row(session, schedule_id).id
        uow.commit()


# --- who is chased by what ---------------------------------------------------------------------------


def set_client_schedule(db: Database, client_id: int, schedule_id: int | None) -> None:
    """Give a client its own schedule, or (None) the company's default."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = _client(session, client_id)
        client.chase_schedule_id = None if schedule_id is None else _schedule_row(session, schedule_id).id
        uow.commit()


def set_do_not_chase(db: Database, client_id: int, flag: bool) -> None:
    """Stop (or resume) every reminder to a client; what is already in the outbox stays there."""
    with UnitOfWork(db, write=True) as uow:
        _client(uow.session, client_id).do_not_chase = flag
        uow.commit()


def set_start_stage(db: Database, invoice_id: int, index: int | None) -> None:
    """Chase an invoice entered late from stage ``index`` (0-based) of its client's schedule, or None."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFoundError("this invoice no longer exists; it may have been deleted in another window")
        if invoice.status == InvoiceStatus.VOID.value:
            raise LedgerError(f"invoice {invoice.number} is void, so it is not chased")
        if index is not None:
            row = _schedule_row_of_client(session, _client(session, invoice.client_id))
            if not 0 <= index < len(row.stages):
                raise ValidationError(
                    f"stage {index + 1} does not exist: schedule '{row.name}' has "
                    f"{len(row.stages)} stages; choose one of 1 to {len(row.stages)}"
                )
        invoice.chase_start_stage = index
        uow.commit()
