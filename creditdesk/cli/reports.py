"""Reports on the screen: the aged debts, what needs doing today and the cash forecast."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from decimal import Decimal

from creditdesk.cli.output import clip, print_json, print_table
from creditdesk.cli.parsing import (
    MAX_FORECAST_WEEKS,
    Subcommands,
    add_as_of,
    add_basis,
    add_format,
    forecast_weeks,
)
from creditdesk.cli.running import EXIT_OK, with_db
from creditdesk.domain.aging import AgingReport, Basis
from creditdesk.domain.money import format_plain
from creditdesk.services.company.company_file import Database
from creditdesk.services.company.locations import BooksPlace
from creditdesk.services.company.settings import CompanyInfo, get_company
from creditdesk.services.imports import exporting
from creditdesk.services.reports.aging import run_aging


def add_aging(sub: Subcommands) -> None:
    aging = sub.add_parser("aging", help="print the aged-debt report")
    add_as_of(aging)
    add_basis(aging)
    add_format(aging, "table", "csv", "json")
    aging.set_defaults(run=cmd_aging)


def cmd_aging(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    def action(db: Database) -> int:
        company = get_company(db)
        report = run_aging(db, as_of, Basis(args.basis))
        if args.format == "json":
            print_aging_json(report, company)
        elif args.format == "csv":
            exporting.write_csv(exporting.aging_records(report, company.exponent), sys.stdout)
        else:
            print_aging_table(report, company)
        return EXIT_OK

    return with_db(path, action)


def print_aging_json(report: AgingReport, company: CompanyInfo) -> None:
    totals = report.totals
    total_figures = [*totals.buckets, totals.unallocated, totals.total]
    print_json(
        {
            "as_of": report.as_of.isoformat(),
            "basis": report.basis.value,
            "currency": company.currency,
            "buckets": list(report.bucket_keys),
            "rows": exporting.aging_records(report, company.exponent),
            "totals": {
                key: format_plain(value, company.exponent)
                for key, value in zip(
                    [*report.bucket_keys, "unallocated", "total"], total_figures, strict=True
                )
            },
        }
    )


def print_aging_table(report: AgingReport, company: CompanyInfo) -> None:
    from creditdesk.domain.formats import Formats

    money = Formats(company.currency, company.locale, company.exponent).amount
    basis = "days past due" if report.basis is Basis.DUE else "days since invoice"
    heads = ["Code", "Client", *report.bucket_keys, "On account", "Total"]
    body = [
        [
            r.client_code,
            clip(r.client_name, 32),
            *map(money, r.buckets),
            money(r.unallocated),
            money(r.total),
        ]
        for r in report.rows
    ]
    totals = report.totals
    foot = ["", "Total", *map(money, totals.buckets), money(totals.unallocated), money(totals.total)]
    print(f"{company.name}: aged debts as of {report.as_of.isoformat()} ({basis}), in {company.currency}")
    print_table(body, heads, foot=foot, right=range(2, len(heads)))
    if not report.rows:
        print("Nobody owes anything and nothing is on account.")


# --- the credit-control workflow: the Today list and the cash forecast -------------------------------


def add_today(sub: Subcommands) -> None:
    today = sub.add_parser(
        "today",
        help="list what needs a person today: follow-ups, promises, calls, disputes, limits, instalments",
    )
    add_as_of(today)
    add_format(today, "table", "json")
    today.set_defaults(run=cmd_today)


def cmd_today(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from creditdesk.services.chasing.today import today

    def action(db: Database) -> int:
        items = today(db, as_of)
        if args.format == "json":
            print_json(
                {
                    "as_of": as_of.isoformat(),
                    "items": [
                        {
                            "kind": i.kind.value,
                            "client_code": i.client_code,
                            "client_name": i.client_name,
                            "text": i.text,
                            "due_date": i.due_date.isoformat(),
                            "actions": [a.value for a in i.actions],
                        }
                        for i in items
                    ],
                }
            )
            return EXIT_OK
        if not items:
            print(f"Nothing needs doing as of {as_of.isoformat()}.")
            return EXIT_OK
        noun = "item" if len(items) == 1 else "items"
        print(f"{get_company(db).name}: {len(items)} {noun} for {as_of.isoformat()}")
        body = [
            [
                i.due_date.isoformat(),
                i.kind.value.replace("_", " "),
                i.client_code,
                clip(i.client_name, 28),
                i.text,
            ]
            for i in items
        ]
        print_table(body, ["Due", "Kind", "Code", "Client", "What"])
        return EXIT_OK

    return with_db(path, action)


def add_forecast(sub: Subcommands) -> None:
    forecast = sub.add_parser("forecast", help="expected receipts per week, from each client's way of paying")
    forecast.add_argument(
        "--weeks",
        type=forecast_weeks,
        default=13,
        help=f"how many weeks (default 13, at most {MAX_FORECAST_WEEKS})",
    )
    add_as_of(forecast)
    add_format(forecast, "table", "json")
    forecast.set_defaults(run=cmd_forecast)


def cmd_forecast(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from creditdesk.domain.formats import Formats
    from creditdesk.services.reports.forecast import forecast

    def action(db: Database) -> int:
        company = get_company(db)
        result = forecast(db, as_of, args.weeks)

        def plain(value: Decimal) -> str:
            return format_plain(value, company.exponent)

        if args.format == "json":
            print_json(
                {
                    "as_of": as_of.isoformat(),
                    "currency": company.currency,
                    "weeks": [
                        {
                            "start": w.start.isoformat(),
                            "end": w.end.isoformat(),
                            "expected": plain(w.expected),
                            "invoices": w.invoice_count,
                        }
                        for w in result.weeks
                    ],
                    "later": plain(result.later),
                    "rolled_over": plain(result.rolled_over),
                    "total": plain(result.total),
                }
            )
            return EXIT_OK
        formats = Formats(company.currency, company.locale, company.exponent)
        print(
            f"{company.name}: expected receipts for {len(result.weeks)} weeks from {as_of.isoformat()}, "
            f"in {company.currency}"
        )
        body = [
            [f"{w.start} to {w.end}", formats.amount(w.expected), str(w.invoice_count)] for w in result.weeks
        ]
        body.append(["Later", formats.amount(result.later), ""])
        body.append(["Total open", formats.amount(result.total), ""])
        print_table(body, ["Week", "Expected", "Invoices"], right={1, 2})
        if result.rolled_over:
            late = formats.amount(result.rolled_over)
            print(f"The first week includes {late} that was expected before {as_of.isoformat()}.")
        return EXIT_OK

    return with_db(path, action)
