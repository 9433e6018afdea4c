"""A local stand-in for the part of Pyodide's CDN that the JupyterLite kernel needs to start.

The site's Pyodide kernel (jupyterlite-pyodide-kernel 0.8.6) loads Pyodide 314.0.6 from
``https://cdn.jsdelivr.net/pyodide/v<version>/full/`` and, before it can run a cell, installs
from that distribution ``micropip`` and IPython with its pure-Python dependencies. The browser
test answers every outside request itself, so :func:`build_mirror` assembles the same
packages, at the versions of Pyodide's lock, from the npm registry and PyPI:

- Pyodide's core (interpreter, standard library, ``pyodide-lock.json``) is the npm package
  ``pyodide`` at the version the site's kernel loads (read from the site's own JavaScript);
- each pure-Python package the kernel needs, micropip included, is PyPI's wheel of the
  version the lock names, under the lock's file name (``pip download --python-version`` of
  the lock's Python: micropip requires Python >= 3.13, so pip would hide it otherwise).

The kernel also installs ``comm`` from PyPI (it is in neither the site nor Pyodide's lock);
PyPI's newest wheel of it is served at PyPI's simple-index address (``PYPI_NEEDS``).

Pyodide's CDN repacks the wheels it serves, so their bytes (and the lock's SHA-256 digests)
differ from PyPI's; the mirror's lock is Pyodide's with the digests of the files it actually
serves, so Pyodide still checks every package it loads. Nothing else of the lock changes, and
a file the kernel asks for that is not in the mirror is answered 404, failing the test.
Compiled packages (numpy, matplotlib) are not mirrored: they exist only on Pyodide's CDN.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

# What the kernel's worker loads before it reports idle: micropip (Pyodide's loadPackage),
# then piplite.install of ipykernel, comm, pyodide-kernel, jedi and ipython (ipykernel and
# pyodide-kernel are shims shipped in the site, jedi and ipython resolve to the Pyodide lock,
# comm to PyPI).
KERNEL_NEEDS = ("micropip", "ipython", "jedi")
PYPI_NEEDS = ("comm",)
PYPI_SIMPLE = "https://pypi.org/simple/"
PYPI_FILES = "https://files.pythonhosted.org/packages/book-mirror/"


class MirrorError(RuntimeError):
    pass


def site_pyodide_url(site: Path) -> str:
    """The ``pyodide.mjs`` address the site's kernel loads (its default, or jupyter-lite.json's
    ``pyodideUrl`` when the site sets one)."""
    config = json.loads((site / "jupyter-lite.json").read_text())
    settings = config.get("jupyter-config-data", {}).get("litePluginSettings", {})
    url = settings.get("@jupyterlite/pyodide-kernel-extension:kernel", {}).get("pyodideUrl")
    if url:
        return url
    static = site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    found = {m.group(0) for js in static.glob("*.js")
             for m in re.finditer(r"https://cdn\.jsdelivr\.net/pyodide/v[0-9][^\"'`]*"
                                  r"/full/pyodide\.mjs", js.read_text(errors="replace"))}
    if len(found) != 1:
        raise MirrorError(f"expected one Pyodide address in {static}, found {sorted(found)}")
    return found.pop()


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(packages: dict, roots) -> list[str]:
    by_name = {_normalise(k): k for k in packages}
    seen, stack = [], [(name, "the kernel") for name in roots]
    while stack:
        name, needed_by = stack.pop()
        key = by_name.get(_normalise(name))
        if key is None:
            raise MirrorError(f"{needed_by} needs {name}, which pyodide-lock.json lacks")
        if key not in seen:
            seen.append(key)
            stack.extend((dep, key) for dep in packages[key]["depends"])
    return sorted(seen)


def _run(cmd, what):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise MirrorError(f"{what} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def _pip_download(spec, python, dest):
    """PyPI's wheel of ``spec`` for ``python`` (the lock's Python: micropip, for one, requires
    Python >= 3.13, which pip would otherwise hide)."""
    _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
          "--python-version", python, "--dest", str(dest), spec], f"pip download {spec}")


def build_mirror(site: Path, cache: Path) -> Mirror:
    """Assemble the mirror in ``cache`` (reused when complete)."""
    url = site_pyodide_url(site)
    prefix = url.rsplit("/", 1)[0] + "/"
    version = re.search(r"/pyodide/v([^/]+)/full/", url).group(1)
    out = cache / f"pyodide-{version}"
    if (out / ".complete").is_file():
        return Mirror(prefix, out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    npm = shutil.which("npm")
    if not npm:
        raise MirrorError("npm not found: it is needed for Pyodide's core (apt-get install npm)")
    _run([npm, "pack", "--silent", "--pack-destination", str(out), f"pyodide@{version}"],
         f"npm pack pyodide@{version}")
    (tgz,) = out.glob("pyodide-*.tgz")
    with tarfile.open(tgz) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith("package/"):
                member.name = member.name[len("package/"):]
                tar.extract(member, out, filter="data") if sys.version_info >= (3, 12) \
                    else tar.extract(member, out)
    tgz.unlink()
    lock = json.loads((out / "pyodide-lock.json").read_text())
    packages = lock["packages"]
    wheels = out / "pypi-download"
    for key in _closure(packages, KERNEL_NEEDS):
        entry = packages[key]
        file_name = entry["file_name"]
        if not file_name.endswith("-none-any.whl"):
            raise MirrorError(f"{key}: {file_name} is not a pure-Python wheel")
        _pip_download(f"{entry['name']}=={entry['version']}", lock["info"]["python"], wheels)
        source = wheels / file_name
        if not source.is_file():
            raise MirrorError(f"PyPI's wheel of {key} is not named {file_name}: "
                              f"{sorted(p.name for p in wheels.iterdir())}")
        shutil.copy(source, out / file_name)
        entry["sha256"] = hashlib.sha256((out / file_name).read_bytes()).hexdigest()
    pypi = out / "pypi"
    for name in PYPI_NEEDS:
        _pip_download(name, lock["info"]["python"], wheels)
        (wheel,) = [p for p in wheels.glob("*.whl")
                    if _normalise(p.name.split("-")[0]) == _normalise(name)]
        (pypi / "files").mkdir(parents=True, exist_ok=True)
        shutil.copy(wheel, pypi / "files" / wheel.name)
        index = {"meta": {"api-version": "1.1"}, "name": name, "files": [{
            "filename": wheel.name, "url": PYPI_FILES + wheel.name,
            "hashes": {"sha256": hashlib.sha256(wheel.read_bytes()).hexdigest()}}]}
        (pypi / "simple" / name).mkdir(parents=True)
        (pypi / "simple" / name / "index.json").write_text(json.dumps(index))
    shutil.rmtree(wheels, ignore_errors=True)
    (out / "pyodide-lock.json").write_text(json.dumps(lock))
    (out / ".complete").write_text(prefix + "\n")
    return Mirror(prefix, out)


class Mirror:
    """Answers a Playwright route for the mirrored Pyodide and PyPI files; ``served`` and
    ``missing`` record what was asked for."""

    TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".json": "application/json",
             ".wasm": "application/wasm"}

    def __init__(self, prefix: str, folder: Path):
        self.prefix, self.folder = prefix, folder
        self.served, self.missing = [], []

    def _file(self, url: str):
        path = url.split("?", 1)[0]
        if path.startswith(self.prefix):
            return self.folder / path[len(self.prefix):], None
        if path.startswith(PYPI_SIMPLE):
            name = path[len(PYPI_SIMPLE):].strip("/")
            return (self.folder / "pypi" / "simple" / name / "index.json",
                    "application/vnd.pypi.simple.v1+json")
        if path.startswith(PYPI_FILES):
            return self.folder / "pypi" / "files" / path[len(PYPI_FILES):], None
        return None, None

    def handles(self, url: str) -> bool:
        return self._file(url)[0] is not None

    def fulfill(self, route) -> None:
        url = route.request.url
        path, content_type = self._file(url)
        inside = path.resolve().is_relative_to(self.folder.resolve())
        if not (inside and path.is_file()) or path.name == ".complete":
            self.missing.append(url)
            return route.fulfill(status=404, body="not in the test's Pyodide mirror")
        self.served.append(url)
        content_type = content_type or self.TYPES.get(path.suffix, "application/octet-stream")
        # body= rather than path=: with path= Playwright takes the type from the file's
        # extension, and micropip needs the simple index's own type for index.json
        route.fulfill(status=200, body=path.read_bytes(), content_type=content_type,
                      headers={"Access-Control-Allow-Origin": "*"})
