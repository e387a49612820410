"""First link end to end: platform, simulated QuickBooks and connector as separate processes.

For a generated company (``--company PATH``, made with ``qbdlink simulator create-company``,
or ``--size N`` to make one), it starts ``qbdlink serve`` (SQLite, or ``--database-url``),
``qbdlink simulator serve`` (no latency) and runs ``qbdlink connector link``, then prints:

* records/s end to end (records uploaded / wall time of the connector process);
* the connector's peak RSS (``ru_maxrss`` of the finished child);
* CPU seconds of each process during the link (connector, simulator, platform), the share
  of each, and wall time;
* the baseline measured in the same run: the same qbXML queries over the same simulator
  socket, decoded and dropped (no mapping, no upload) - what reading QuickBooks alone costs.

Nothing is asserted; it prints figures.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from qbdlink.connector.quickbooks.session import QuickBooksSession, RetryPolicy  # noqa: E402
from qbdlink.connector.quickbooks.simulator import SimulatorTransport  # noqa: E402
from qbdlink.connector.streams.base import QueryWindow  # noqa: E402
from qbdlink.connector.streams.registry import STREAMS  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def high_water_kb(pid: int) -> int:
    """VmHWM of a live process (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def qbdlink(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qbdlink", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def baseline(simulator_url: str) -> tuple[float, int]:
    """Every stream's queries over the socket, decoded, nothing else."""
    session = QuickBooksSession(
        lambda: SimulatorTransport(simulator_url),
        app_name="bench baseline",
        retry=RetryPolicy(attempts=1),
    )
    started = time.perf_counter()
    records = 0
    with session:
        session.open()
        for stream in STREAMS.values():
            for part in stream.parts:
                request = part.build(QueryWindow(modified_from=None, modified_to=None))
                for page in session.query(request, iterator=part.iterator, page_size=500):
                    records += len(page)
    return time.perf_counter() - started, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--company", type=Path, help="a company file (copied, not changed)")
    parser.add_argument("--size", type=int, default=10_000, help="transactions, without --company")
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the decode-only baseline (big companies)"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="qbdlink-bench-link-"))
    # As installed software runs: with compiled bytecode (compiling the generated qbXML
    # messages at every start would cost the connector ~50 MB of peak RSS and a second).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("QBDLINK_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    platform_env = {**env, "QBDLINK_HOME": str(work / "platform")}
    if args.database_url:
        platform_env["QBDLINK_DATABASE_URL"] = args.database_url
    company = work / "company.qbw"
    if args.company:
        # Streamed: reading it whole would swell this process, and the children it forks.
        shutil.copyfile(args.company, company)
    else:
        print(f"generating a company with {args.size} transactions...", flush=True)
        qbdlink("simulator", "create-company", str(company), "--size", str(args.size), env=env)
    qbdlink("admin", "create-client", "Bench", env=platform_env)
    key = qbdlink("admin", "create-api-key", "Bench", env=platform_env).stdout.strip()
    port = free_port()
    platform = subprocess.Popen(
        [sys.executable, "-m", "qbdlink", "serve", "--port", str(port)],
        env=platform_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    simulator = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qbdlink",
            "simulator",
            "serve",
            "--company",
            str(company),
            "--listen",
            "127.0.0.1:0",
            "--auto-authorize",
            "always",
            "--xsd-dir",
            str(ROOT.parent / "shared" / "conformance" / "qbxml-xsd"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert simulator.stdout is not None
        sim_url = simulator.stdout.readline().split(" running at ", 1)[1].split(" ", 1)[0]
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(f"{url}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        auth = {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()}
        with httpx.Client(base_url=url, headers=auth, timeout=60) as api:
            company_id = api.post("/companies", json={"name": "Bench Co"}).json()["id"]
            api.post(f"/companies/{company_id}/connections", json={"platformKey": "pqsw"})

        base_seconds, base_records = (0.0, 0) if args.no_baseline else baseline(sim_url)

        before = {"platform": cpu_seconds(platform.pid), "simulator": cpu_seconds(simulator.pid)}
        started = time.perf_counter()
        out_path = work / "connector.out"
        connector_env = {
            **env,
            "QBDLINK_HOME": str(work / "connector"),
            "HOME": str(work / "home"),
            "XDG_CONFIG_HOME": str(work / "home" / ".config"),
        }
        command = [sys.executable, "-m", "qbdlink", "connector", "link", "--licence-key"]
        command += [company_id, "--yes", "--platform-url", url, "--quickbooks", sim_url]
        with out_path.open("w") as out:
            connector = subprocess.Popen(
                command, env=connector_env, stdout=out, stderr=subprocess.STDOUT
            )
            # VmHWM: the peak RSS of the connector's own program (Linux carries ru_maxrss
            # across exec, so it would include this process's memory at the fork).
            peak_kb = 0
            while True:
                peak_kb = max(peak_kb, high_water_kb(connector.pid))
                pid, status, usage = os.wait4(connector.pid, os.WNOHANG)
                if pid:
                    break
                time.sleep(0.02)
            connector.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        output = out_path.read_text()
        if connector.returncode != 0:
            raise SystemExit(f"the link failed:\n{output}")
        cpu = {
            "connector": usage.ru_utime + usage.ru_stime,
            "simulator": cpu_seconds(simulator.pid) - before["simulator"],
            "platform": cpu_seconds(platform.pid) - before["platform"],
        }
        records = sum(
            int(line.split()[1])
            for line in output.splitlines()
            if line.startswith("  ") and line.strip().endswith("records")
        )
        total_cpu = sum(cpu.values())
        print(f"company: {args.company or f'generated, {args.size} transactions'}")
        print(f"records: {records} uploaded ({base_records} QuickBooks records read)")
        print(f"first link wall time: {wall:.1f} s -> {records / wall:,.0f} records/s end to end")
        if base_seconds:
            print(
                f"baseline (same queries, decode only): {base_seconds:.1f} s "
                f"-> {base_records / base_seconds:,.0f} records/s; link / baseline = "
                f"{wall / base_seconds:.2f}x"
            )
        print(f"connector peak RSS: {peak_kb / 1024:.0f} MB (VmHWM, sampled every 20 ms)")
        for name, seconds in cpu.items():
            print(f"  CPU {name:<10} {seconds:7.1f} s  {seconds / total_cpu:6.1%}")
    finally:
        for process in (platform, simulator):
            process.terminate()
            process.wait(30)


if __name__ == "__main__":
    main()
