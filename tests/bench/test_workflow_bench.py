"""Workflow benchmark: risk ratings, the cash forecast, Today and the dashboard on the 200,000-invoice demo.

Prints the times (best of a few runs) against the aging report run in the same
process as the baseline; asserts only that the figures agree, never on time.
The target for ``client_risks`` and ``forecast`` is well under 2 s.
"""

from __future__ import annotations

from collections import Counter

from creditdesk.services.chasing.today import today
from creditdesk.services.clients.risk import client_risks
from creditdesk.services.reports.aging import run_aging
from creditdesk.services.reports.dashboard import dashboard
from creditdesk.services.reports.forecast import forecast
from tests.bench.conftest import AS_OF, Demo
from tests.bench.test_planning_bench import best


def test_workflow_on_a_large_company(demo: Demo) -> None:
    db = demo.db
    aging_s, report = best(lambda: run_aging(db, AS_OF))
    risk_s, risks = best(lambda: client_risks(db, AS_OF))
    forecast_s, result = best(lambda: forecast(db, AS_OF))
    today_s, items = best(lambda: today(db, AS_OF), repeats=2)
    dashboard_s, board = best(lambda: dashboard(db, AS_OF), repeats=2)
    on_account = sum((row.unallocated for row in report.rows), start=result.total * 0)
    assert result.total == report.totals.total - on_account  # every open invoice placed once
    assert board.outstanding == report.totals.total
    levels = Counter(r.level.value for r in risks.values())
    print(
        f"\nWorkflow as of {AS_OF.isoformat()} (best of a few runs; risk and forecast target well under 2 s):"
    )
    print(f"  client_risks(): {risk_s * 1000:.0f} ms for {len(risks):,} clients ({dict(levels)})")
    print(
        f"  forecast(): {forecast_s * 1000:.0f} ms, {result.total:,} expected over 13 weeks and later, "
        f"{result.rolled_over:,} rolled over"
    )
    print(f"  today(): {today_s * 1000:.0f} ms for {len(items):,} items")
    print(f"  dashboard(): {dashboard_s * 1000:.0f} ms (12 month ends of DSO)")
    print(
        f"  baseline run_aging(): {aging_s * 1000:.0f} ms; risk / aging = {risk_s / aging_s:.2f}, "
        f"forecast / aging = {forecast_s / aging_s:.2f}"
    )
