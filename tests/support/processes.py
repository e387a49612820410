"""The system as separate processes: `qbdlink serve`, `qbdlink simulator serve`, the connector."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.platform import free_port

STARTUP_TIMEOUT = 60.0


def qbdlink(
    *args: str, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qbdlink", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def spawn(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "qbdlink", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def base_env(home: Path) -> dict[str, str]:
    # Without PYTHONDONTWRITEBYTECODE: each process would compile the generated qbXML messages
    # again (a second and ~50 MB each); installed software runs from bytecode.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("QBDLINK_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["QBDLINK_HOME"] = str(home)
    return env


@dataclass
class PlatformProcess:
    url: str
    api_key: str
    process: subprocess.Popen[str]

    def api(self) -> httpx.Client:
        auth = "Basic " + base64.b64encode(self.api_key.encode()).decode()
        return httpx.Client(base_url=self.url, headers={"Authorization": auth}, timeout=60)


@dataclass
class SimulatorProcess:
    url: str
    process: subprocess.Popen[str]


@dataclass
class System:
    root: Path
    platform: PlatformProcess
    simulator: SimulatorProcess
    processes: list[subprocess.Popen[str]] = field(default_factory=list)

    def connector_env(self, name: str = "connector") -> dict[str, str]:
        env = base_env(self.root / name)
        env["QBDLINK_QUICKBOOKS"] = self.simulator.url
        env["QBDLINK_REGION_URLS"] = f"us={self.platform.url}"
        # Keep the autostart entry (ongoing mode) inside the test's folder.
        env["HOME"] = str(self.root / name / "home")
        env["XDG_CONFIG_HOME"] = str(self.root / name / "home" / ".config")
        return env

    def connector(self, *args: str, name: str = "connector") -> subprocess.CompletedProcess[str]:
        return qbdlink("connector", *args, env=self.connector_env(name))

    def spawn_connector(self, *args: str, name: str = "connector") -> subprocess.Popen[str]:
        process = spawn("connector", *args, env=self.connector_env(name))
        self.processes.append(process)
        return process

    def control(self, *args: str) -> subprocess.CompletedProcess[str]:
        address = self.simulator.url.removeprefix("simulator://")
        return qbdlink("simulator", "control", "--connect", address, *args, env=base_env(self.root))


def _wait_http(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        try:
            httpx.get(f"{url}/openapi.json", timeout=5)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                raise RuntimeError(f"qbdlink serve did not start: {output}") from None
            time.sleep(0.1)


def _stop(processes: Sequence[subprocess.Popen[str]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


@contextmanager
def running_system(
    root: Path, company: Path, *, auto_authorize: str = "always"
) -> Iterator[System]:
    platform_env = base_env(root / "platform")
    assert qbdlink("admin", "create-client", "Acme Lending", env=platform_env).returncode == 0
    keyed = qbdlink("admin", "create-api-key", "Acme Lending", env=platform_env)
    assert keyed.returncode == 0, keyed.stderr
    port = free_port()
    server = spawn("serve", "--port", str(port), env=platform_env)
    started = [server]
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_http(url, server)
        simulator = spawn(
            "simulator",
            "serve",
            "--company",
            str(company),
            "--listen",
            "127.0.0.1:0",
            "--auto-authorize",
            auto_authorize,
            env=base_env(root),
        )
        started.append(simulator)
        assert simulator.stdout is not None
        first = simulator.stdout.readline()
        sim_url = first.split(" running at ", 1)[1].split(" ", 1)[0]
        system = System(
            root=root,
            platform=PlatformProcess(url=url, api_key=keyed.stdout.strip(), process=server),
            simulator=SimulatorProcess(url=sim_url, process=simulator),
        )
        try:
            yield system
        finally:
            _stop(system.processes)
    finally:
        _stop(started)
