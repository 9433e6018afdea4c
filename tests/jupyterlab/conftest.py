"""End-to-end tests of the chapters in a real JupyterLab, driven by headless Chromium.

Opt-in: without BOOK_LAB_TESTS=1 this folder is not collected at all (like tests/browser).
Enabled, a missing piece (Playwright, /usr/bin/chromium, the `jupyter-lab` command) is a test
*failure* with a message saying what to install, never a skip.

The session starts one `jupyter lab` on 127.0.0.1 (token, --no-browser, --allow-root) whose
root is a temporary folder holding copies of chapters/*.ipynb with their outputs cleared:
the kernel then runs with that `chapters/` as its working directory, `lib` is found only
because it is installed (`-e .`), every output the test sees was produced by the live kernel,
and nothing JupyterLab saves (autosave, checkpoints, workspaces, settings) touches the
repository. Settings for this server only: all cells rendered (no windowing, so every output
is in the DOM), autosave off, no news or update checks.

Environment variables:
    BOOK_LAB_TIMEOUT      seconds allowed for "Run All Cells" per notebook (default 240)
    BOOK_LAB_SCREENSHOTS  folder for the screenshots (default _build/lab-screenshots)
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from chromium import CHROMIUM, launched_browser, local_only  # tests/chromium.py

if os.environ.get("BOOK_LAB_TESTS") != "1":
    collect_ignore_glob = ["*.py"]  # relative to this folder

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "chapters"
SCREENSHOTS = Path(os.environ.get("BOOK_LAB_SCREENSHOTS", ROOT / "_build" / "lab-screenshots"))
RUN_TIMEOUT = float(os.environ.get("BOOK_LAB_TIMEOUT", "240"))
# Per-server JupyterLab settings (user settings dir of the temporary server).
LAB_SETTINGS = {
    # "none" renders every cell; the default windowing leaves far-away cells out of the DOM.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}
TIMINGS = {}  # notebook -> {phase: seconds}, printed at the end of the session


def chapter_notebooks():
    return sorted(p.name for p in CHAPTERS.glob("*.ipynb"))


def pytest_generate_tests(metafunc):
    if "notebook" in metafunc.fixturenames:
        names = chapter_notebooks()
        if not names:
            pytest.fail(f"no notebooks in {CHAPTERS}", pytrace=False)
        metafunc.parametrize("notebook", names)


def pytest_terminal_summary(terminalreporter):
    if not TIMINGS:
        return
    terminalreporter.section("JupyterLab timings (s)")
    for name, phases in sorted(TIMINGS.items()):
        parts = ", ".join(f"{k} {v:.1f}" for k, v in phases.items())
        terminalreporter.write_line(f"{name}: {parts}")
    terminalreporter.write_line(f"screenshots: {SCREENSHOTS}")


def _cleared_copy(src, dst):
    """Copy a notebook with outputs, execution counts and stored widget state removed."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb.get("metadata", {}).pop("widgets", None)
    dst.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return sum(1 for _ in nb["cells"])


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _jupyter_lab_command():
    """`jupyter-lab` of the running interpreter's environment (then PATH)."""
    here = Path(sys.executable).parent / "jupyter-lab"
    found = str(here) if here.exists() else shutil.which("jupyter-lab")
    if not found:
        pytest.fail("`jupyter-lab` not found: pip install -r requirements.txt", pytrace=False)
    return found


class LabServer:
    """A running `jupyter lab`: its base URL, token and the notebook copies it serves."""

    def __init__(self, url, token, root, cell_counts, log):
        self.url, self.token, self.root = url, token, root
        self.cell_counts, self.log = cell_counts, log
        self.run_timeout = RUN_TIMEOUT

    def api(self, method, path):
        req = urllib.request.Request(self.url + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def notebook_url(self, name):
        # ?reset: start from an empty workspace (no tabs of earlier tests re-opened)
        return f"{self.url}lab/tree/chapters/{name}?reset&token={self.token}"

    def shutdown_kernels(self):
        """Delete every session (and so its kernel): each notebook gets a fresh kernel."""
        for session in self.api("GET", "api/sessions") or []:
            self.api("DELETE", f"api/sessions/{session['id']}")

    def log_tail(self, n=40):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("Playwright missing: pip install -r requirements.txt", pytrace=False)
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} missing: apt-get install -y chromium", pytrace=False)
    command = _jupyter_lab_command()

    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "root"
    (root / "chapters").mkdir(parents=True)
    counts = {name: _cleared_copy(CHAPTERS / name, root / "chapters" / name)
              for name in chapter_notebooks()}
    for rel, values in LAB_SETTINGS.items():
        path = base / "settings" / f"{rel}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")

    token, port = secrets.token_hex(16), _free_port()
    env = dict(os.environ,
               JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(base / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"))
    log = base / "jupyterlab.log"
    args = [command, "--allow-root", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            "--ServerApp.port_retries=0", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env,
                                cwd=root, start_new_session=True)
    server = LabServer(f"http://127.0.0.1:{port}/", token, root, counts, log)
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{server.log_tail()}",
                            pytrace=False)
            try:
                server.api("GET", "api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not answer within 180 s:\n"
                                f"{server.log_tail()}", pytrace=False)
                time.sleep(1)
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # the server shuts its kernels down
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # our own process group only
                proc.wait()


@pytest.fixture(scope="session")
def browser():
    with launched_browser() as browser:
        yield browser


@pytest.fixture
def lab_page(browser, lab):
    """A fresh browser context per notebook; the notebook's kernel is shut down afterwards."""
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    context.route("**/*", local_only)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
    lab.shutdown_kernels()


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def record_timing():
    def record(notebook, phase, seconds):
        TIMINGS.setdefault(notebook, {})[phase] = seconds

    return record
