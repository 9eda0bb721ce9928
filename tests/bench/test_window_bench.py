"""Window benchmark on the 5,000-client / 200,000-invoice company: what a person waits for.

Prints figures against the targets (window ready under 2 s, a filter keystroke under
100 ms, the Aging tab under 500 ms, memory under 500 MB); never asserts on time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.bench.conftest import Demo

SESSION = Path(__file__).with_name("window_session.py")
RUNS = 3
TARGETS = {
    "window_ready_s": 2.0,
    "filter_keystroke_ms": 100.0,
    "aging_tab_ms": 500.0,  # today's aging is shared with the status bar, so often ready already
    "aging_new_date_ms": 500.0,  # a new as-of date: worked out afresh (off the GUI thread)
    "max_rss_mb": 500.0,
}


def run_session(demo: Demo, settings: Path) -> dict[str, float]:
    t0 = time.time()
    result = subprocess.run(
        [sys.executable, str(SESSION), str(demo.path), str(settings), repr(t0)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_window_on_a_large_company(demo: Demo, tmp_path: Path) -> None:
    demo.db.close()  # the window takes its own lock and connections
    runs = [run_session(demo, tmp_path / f"settings{n}") for n in range(RUNS)]
    first = runs[0]
    assert first["clients_rows"] > 0 and first["invoice_rows"] == demo.summary.invoices
    size = f"{demo.summary.clients:,} clients / {demo.summary.invoices:,} invoices"
    print(f"\nWindow on {size}, best of {RUNS} runs:")
    for key, target in TARGETS.items():
        best = min(run[key] for run in runs)
        worst = max(run[key] for run in runs)
        verdict = "met" if best <= target else "MISSED"
        print(f"  {key:22} best {best:8.1f}  worst {worst:8.1f}  target {target:6.0f}  ({verdict})")
    print(f"  filter 'carri' left {first['filter_rows']:,} of {first['invoice_rows']:,} invoices")
