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
    shutil.copytree(ROOT / "_ext", tmp_path / "_ext")  # the book's local Sphinx extension
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Chapter"), nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, tmp_path / "nb.ipynb")


def _build(tmp_path):
    # The environment's own jupyter-book (bin/ on POSIX, Scripts\\ with .exe on Windows).
    jb = shutil.which("jupyter-book", path=str(pathlib.Path(sys.executable).parent))
    jb = jb or shutil.which("jupyter-book")
    assert jb, "jupyter-book is not installed in this environment"
    return subprocess.run([jb, "build", str(tmp_path), "-W", "-n", "--keep-going"],
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
    assert "--config _config_strict.yml" in ci


def test_strict_config_is_the_default_one_with_forced_execution():
    """_config_strict.yml (the strict build's --config, no sed needed on any OS) differs from
    _config.yml only in its header comment and in forcing execution."""
    strict = (ROOT / "_config_strict.yml").read_text()
    expected = _config_text("force")
    header, sep, body = strict.partition(expected.splitlines()[0])
    assert sep and sep + body == expected, "_config_strict.yml has drifted from _config.yml"
    assert all(line.startswith("#") for line in header.splitlines())
    assert re.search(r"(?m)^  execute_notebooks: force$", strict)


def _readme_commands():
    """The shell commands of the README's code blocks, one per line."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|console|sh)?\n(.*?)```", readme, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_readme_commands_need_no_posix_only_tools():
    """The install, build and test commands work on macOS and Windows too."""
    commands = _readme_commands()
    assert "python -m pip install -r requirements.txt" in commands
    assert "pytest --nbval" in commands
    assert "jupyter-book build . -W -n --keep-going --config _config_strict.yml" in commands
    for cmd in commands:
        assert not re.match(r"(sed|grep|awk|cat|export) ", cmd), cmd


def test_ci_workflow_runs_the_readme_commands():
    """.github/workflows/tests.yml (for instructors to copy) installs and tests exactly as the
    README says, on every supported Python, and on the floors."""
    workflow = (ROOT / ".github" / "workflows" / "tests.yml").read_text()
    runs = [m.strip() for m in re.findall(r"(?m)^\s+run: (.+)$", workflow)]
    commands = _readme_commands()
    install = "python -m pip install -r requirements.txt"
    assert install in runs and install in commands
    assert f"{install} -c .ci/constraints-floors.txt" in runs
    tests = [r for r in runs if r.startswith("pytest")]
    assert tests == ["pytest --nbval -n 2 --dist loadfile"], tests
    assert tests[0] in commands  # the README's parallel form of its test command
    pythons = re.search(r'python: \[(.*?)\]', workflow).group(1)
    assert [p.strip().strip('"') for p in pythons.split(",")] == ["3.10", "3.11", "3.12", "3.13"]
    readme = (ROOT / "README.md").read_text()
    assert "3.10" in readme and "3.13" in readme


def test_floor_constraints_match_the_lower_bounds_of_requirements():
    """.ci/constraints-floors.txt pins numpy, matplotlib and ipywidgets at the lower bounds
    that requirements.txt states."""
    req = (ROOT / "requirements.txt").read_text()
    floors = (ROOT / ".ci" / "constraints-floors.txt").read_text()
    for name in ("numpy", "matplotlib", "ipywidgets"):
        low = re.search(rf"(?m)^{name}>=([0-9.]+),", req).group(1)
        pinned = re.search(rf"(?m)^{name}==([0-9.]+)$", floors).group(1)
        assert [int(x) for x in pinned.split(".")][:2] == [int(x) for x in low.split(".")][:2]
        assert pinned.split(".")[2:] in ([], ["0"]), f"{name} floor must be the .0 release"


def test_pre_commit_hooks_are_local():
    """Hook repositories cannot be cloned on the book's machines: every hook is `repo: local`
    and runs a tool that requirements.txt installs."""
    import yaml  # installed with jupyter-book

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert config["repos"] and all(r["repo"] == "local" for r in config["repos"])
    req = (ROOT / "requirements.txt").read_text()
    for hook in (h for r in config["repos"] for h in r["hooks"]):
        assert hook["language"] == "system"
        tool = hook["entry"].split()[0]
        assert re.search(rf"(?m)^{tool}\b", req), f"{tool} is not in requirements.txt"
