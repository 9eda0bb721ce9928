"""The aged-debtors report as printed at month end: the Aging tab's figures on paper.

It is made from the very ``AgingReport`` the tab and the CLI show (passed in
when the caller already has it), so the printed figures cannot disagree.
"""

from __future__ import annotations

from datetime import date

from creditdesk.documents.model import AgedDebtorRow, AgedDebtorsDocument
from creditdesk.domain.aging import AgingReport, Basis, bucket_keys
from creditdesk.services.reports.aging import run_aging
from creditdesk.services.reports.invoice_print import letterhead_in
from creditdesk.store.database import Database
from creditdesk.store.unit_of_work import UnitOfWork

# Printed names of the domain's buckets, per basis.
BUCKET_LABELS: dict[Basis, dict[str, str]] = {
    Basis.DUE: {
        "current": "Current",
        "1-30": "1–30 days",
        "31-60": "31–60 days",
        "61-90": "61–90 days",
        "90+": "Over 90 days",
    },
    Basis.INVOICE: {
        "0-30": "0–30 days",
        "31-60": "31–60 days",
        "61-90": "61–90 days",
        "90+": "Over 90 days",
    },
}
BASIS_LABELS = {Basis.DUE: "by due date", Basis.INVOICE: "by invoice date"}


def bucket_label(key: str, basis: Basis) -> str:
    return BUCKET_LABELS[basis][key]


def aged_debtors_document(
    db: Database, as_of: date, basis: Basis = Basis.DUE, report: AgingReport | None = None
) -> AgedDebtorsDocument:
    """``report``, when given, must be the aging as of ``as_of`` on ``basis`` (the tab's own)."""
    if report is None:
        report = run_aging(db, as_of, basis)
    elif (report.as_of, report.basis) != (as_of, basis):
        raise ValueError(
            f"the aging given is as of {report.as_of} by {report.basis}, not as of {as_of} by {basis}"
        )
    with UnitOfWork(db) as uow:
        head = letterhead_in(uow.session)
    totals = report.totals
    return AgedDebtorsDocument(
        branding=head.branding,
        formats=head.formats,
        as_of=as_of,
        basis_label=BASIS_LABELS[basis],
        bucket_labels=tuple(bucket_label(key, basis) for key in bucket_keys(basis)),
        rows=tuple(
            AgedDebtorRow(row.client_code, row.client_name, row.buckets, row.unallocated, row.total)
            for row in report.rows
        ),
        totals=AgedDebtorRow("", "Total", totals.buckets, totals.unallocated, totals.total),
    )


def aged_debtors_pdf(
    db: Database, as_of: date, basis: Basis = Basis.DUE, report: AgingReport | None = None
) -> bytes:
    from creditdesk.documents.aged_debtors import render_aged_debtors  # ReportLab loads only when printing

    return render_aged_debtors(aged_debtors_document(db, as_of, basis, report))
