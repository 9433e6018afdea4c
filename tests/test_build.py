"""The book's build configuration: a notebook cell that raises fails the strict build.

Builds a one-chapter book in a temporary folder with this repository's _config.yml (forced
execution, as .ci/run does) and a notebook whose only cell raises.
"""

import pathlib
import re
import shutil
import subprocess
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _config_text(mode):
    text = (ROOT / "_config.yml").read_text()
    text, n = re.subn(r"(?m)^  execute_notebooks: .*$", f"  execute_notebooks: {mode}", text)
    assert n == 1, "_config.yml must set execute.execute_notebooks exactly once"
    return text


def _make_book(tmp_path, source):
    (tmp_path / "_config.yml").write_text(_config_text("force"))
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: nb\n")
    (tmp_path / "intro.md").write_text("# A test book\n\nOne chapter.\n")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Chapter"), nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, tmp_path / "nb.ipynb")


def _build(tmp_path):
    jb = pathlib.Path(sys.executable).with_name("jupyter-book")
    return subprocess.run([str(jb), "build", str(tmp_path), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, timeout=600)


def test_raising_cell_fails_the_strict_build(tmp_path):
    _make_book(tmp_path, "raise ValueError('this cell fails')")
    run = _build(tmp_path)
    assert run.returncode != 0, "a raising cell must fail the build"
    assert "this cell fails" in run.stdout + run.stderr


def test_clean_cell_builds(tmp_path):
    _make_book(tmp_path, "print(1 + 1)")
    run = _build(tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert (tmp_path / "_build" / "html" / "nb.html").is_file()


def test_default_build_renders_stored_outputs():
    """The default config does not re-execute (fast builds); CI forces execution."""
    text = (ROOT / "_config.yml").read_text()
    assert re.search(r'(?m)^  execute_notebooks: "off"$', text)
    assert re.search(r"(?m)^  raise_on_error: true$", text)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "execute_notebooks: force" in ci and "--config" in ci
