"""Decode a big ``InvoiceQueryRs`` response: qbdlink against lxml's floor and xmltodict.

    .venv/bin/python bench/bench_decode.py                 # 100,000 invoices, best of 3
    .venv/bin/python bench/bench_decode.py --invoices 10000 --repeat 5
    .venv/bin/python bench/bench_decode.py --only qbdlink --only floor
    .venv/bin/python bench/bench_decode.py --profile       # cProfile of the qbdlink row

The document is generated once by ``make_invoices.py`` and cached under ``bench/out/``
(git-ignored), keyed by the invoice count and seed. Every run of every contender is a
fresh subprocess, so the peak RSS it reports (``getrusage(RUSAGE_SELF).ru_maxrss``, read
inside the child) is that contender's own; the time is the best of ``--repeat`` runs and
the peak RSS the highest. This prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"


# ---- contenders (run inside the child) ------------------------------------------------------
# Each opens the file itself, decodes it, and returns the number of invoices it saw.


def floor(path: Path) -> int:
    """lxml ``iterparse`` with default ('end') events, doing nothing with them."""
    from lxml import etree

    with open(path, "rb") as stream:
        context = etree.iterparse(stream)
        for _ in context:
            pass
    # Counted afterwards from the tree the loop left behind: no cost inside the loop.
    return len(context.root[0][0])  # QBXML/QBXMLMsgsRs/InvoiceQueryRs


def floor_clear(path: Path) -> int:
    """The floor, plus ``elem.clear()`` on every end event (the usual memory idiom)."""
    from lxml import etree

    count = 0
    with open(path, "rb") as stream:
        for _, element in etree.iterparse(stream):
            # The count needs one tag test per event: clear() leaves nothing to count later.
            if element.tag == "InvoiceRet":
                count += 1
            element.clear()
    return count


def qbdlink(path: Path) -> int:
    """``iter_response_events``: every invoice as a typed ``InvoiceRet`` with its lines."""
    from qbdlink.qbxml import QbxmlObject, ResponseStatus, iter_response_events
    from qbdlink.qbxml.messages import InvoiceRet

    count = 0
    lines = 0
    ret_count = None
    with open(path, "rb") as stream:
        for event in iter_response_events(stream):
            if isinstance(event, QbxmlObject):
                if not isinstance(event, InvoiceRet):
                    raise TypeError(f"expected InvoiceRet records, got {type(event).__name__}")
                count += 1
                # Touch fields, a nested one included, so nothing could be skipped lazily.
                lines += len(event.invoice_line_ret)
                if event.txn_id is None or event.subtotal is None:
                    raise ValueError(f"invoice {count} lost its TxnID or Subtotal")
            elif isinstance(event, ResponseStatus):
                ret_count = event.ret_count
    if ret_count != count:
        print(f"qbdlink: retCount={ret_count} but {count} records", file=sys.stderr)
    return count


def xmltodict_whole(path: Path) -> int:
    """``xmltodict.parse`` of the whole document, as most Python QuickBooks libraries do."""
    import xmltodict

    with open(path, "rb") as stream:
        document = xmltodict.parse(stream)
    invoices = document["QBXML"]["QBXMLMsgsRs"]["InvoiceQueryRs"]["InvoiceRet"]
    return len(invoices) if isinstance(invoices, list) else 1


def xmltodict_stream(path: Path) -> int:
    """xmltodict's streaming mode: one dict per ``InvoiceRet`` (depth 4), then dropped."""
    import xmltodict

    count = 0

    def on_invoice(_path: Any, invoice: Any) -> bool:
        nonlocal count
        count += 1
        return True  # go on parsing

    with open(path, "rb") as stream:
        xmltodict.parse(stream, item_depth=4, item_callback=on_invoice)
    return count


CONTENDERS: dict[str, tuple[Callable[[Path], int], str]] = {
    "floor": (floor, "lxml iterparse, 'end' events, nothing done (the floor)"),
    "floor-clear": (floor_clear, "lxml iterparse + elem.clear() on each end event"),
    "qbdlink": (qbdlink, "qbdlink iter_response_events -> typed InvoiceRet objects"),
    "xmltodict": (xmltodict_whole, "xmltodict.parse, whole document in memory"),
    "xmltodict-stream": (xmltodict_stream, "xmltodict.parse(item_depth=4, item_callback)"),
}


def _rss_mb() -> float:
    """The current RSS (Linux: /proc), else the peak so far."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _peak_mb()


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def _import_for(name: str) -> None:
    # Imports happen before the clock and the start RSS, so neither counts them as work.
    if name == "qbdlink":
        import qbdlink.qbxml  # noqa: F401
    elif name.startswith("xmltodict"):
        import xmltodict  # noqa: F401
    else:
        import lxml.etree  # noqa: F401


def child(name: str, path: Path) -> None:
    """Run one contender once and print its figures as one JSON line."""
    function = CONTENDERS[name][0]
    _import_for(name)
    start_mb = _rss_mb()
    started = time.perf_counter()
    count = function(path)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {"seconds": seconds, "count": count, "start_mb": start_mb, "peak_mb": _peak_mb()}
        )
    )


def profile(path: Path, top: int) -> None:
    """cProfile the qbdlink contender (in this process) and print the top functions."""
    import cProfile
    import pstats

    _import_for("qbdlink")
    profiler = cProfile.Profile()
    profiler.enable()
    count = qbdlink(path)
    profiler.disable()
    print(f"qbdlink under cProfile: {count:,} invoices")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


# ---- the parent -----------------------------------------------------------------------------


def document(invoices: int, seed: int) -> Path:
    """The cached document for (invoices, seed), generated on first use."""
    path = OUT / f"invoices-n{invoices}-seed{seed}.xml"
    if not path.exists():
        sys.path.insert(0, str(HERE))
        from make_invoices import write_file

        print(f"generating {path.relative_to(ROOT)} ...", flush=True)
        started = time.perf_counter()
        write_file(path, invoices, seed)
        print(f"  done in {time.perf_counter() - started:.1f}s", flush=True)
    return path


def run_once(name: str, path: Path) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(ROOT / "src"), env.get("PYTHONPATH")) if part
    )
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", name, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.stderr:
        sys.stderr.write(done.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=100_000, help="invoices in the document")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated document")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (best kept)")
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(CONTENDERS),
        metavar="NAME",
        help=f"run only this contender (repeatable): {', '.join(CONTENDERS)}",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the qbdlink row")
    parser.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    parser.add_argument("--child", nargs=2, metavar=("NAME", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        child(args.child[0], Path(args.child[1]))
        return 0

    path = document(args.invoices, args.seed)
    if args.profile:
        profile(path, args.top)
        return 0

    names = [name for name in CONTENDERS if not args.only or name in args.only]
    size = path.stat().st_size
    print(
        f"document: {path.relative_to(ROOT)}, {size / 1e6:.1f} MB, {args.invoices:,} invoices "
        f"(3-5 lines each); best of {args.repeat}, each run a fresh process"
    )
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")

    results: dict[str, dict[str, Any]] = {}
    for name in names:
        runs = []
        for attempt in range(args.repeat):
            runs.append(run_once(name, path))
            print(
                f"  {name:<17} run {attempt + 1}: {runs[-1]['seconds']:7.2f}s "
                f"peak {runs[-1]['peak_mb']:8.1f} MB",
                flush=True,
            )
        results[name] = {
            "seconds": min(run["seconds"] for run in runs),
            "peak_mb": max(run["peak_mb"] for run in runs),
            "start_mb": min(run["start_mb"] for run in runs),
            "counts": sorted({run["count"] for run in runs}),
        }

    # Two floors: "floor" is the brief's (nothing done, so the whole tree stays in memory);
    # "floor-clear" frees as it goes, which on big documents is also the faster of the two.
    floors = {
        name: results[name]["seconds"] for name in ("floor", "floor-clear") if name in results
    }
    print()
    header = (
        f"{'contender':<17} {'seconds':>8} {'invoices/s':>11} {'MB/s':>6} {'start MB':>9} "
        f"{'peak RSS MB':>12} {'growth MB':>10} {'x floor':>8} {'x floor-clear':>14}"
    )
    print(header)
    print("-" * len(header))
    for name, result in results.items():
        seconds = result["seconds"]
        ratios = [
            f"{seconds / floors[floor_name]:.2f}" if floor_name in floors else "-"
            for floor_name in ("floor", "floor-clear")
        ]
        print(
            f"{name:<17} {seconds:8.2f} {args.invoices / seconds:11,.0f} "
            f"{size / 1e6 / seconds:6.1f} {result['start_mb']:9.1f} {result['peak_mb']:12.1f} "
            f"{result['peak_mb'] - result['start_mb']:10.1f} {ratios[0]:>8} {ratios[1]:>14}"
        )
    print()
    for name in results:
        print(f"  {name:<17} {CONTENDERS[name][1]}")

    mismatched = {
        name: result["counts"]
        for name, result in results.items()
        if result["counts"] != [args.invoices]
    }
    print()
    if mismatched:
        for name, counts in mismatched.items():
            print(
                f"WARNING: {name} saw {', '.join(f'{c:,}' for c in counts)} invoices, "
                f"not {args.invoices:,}: its row is not comparable"
            )
    else:
        print(f"all contenders saw the same {args.invoices:,} invoices")
    return 0


if __name__ == "__main__":
    sys.exit(main())
