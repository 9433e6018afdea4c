"""The student edition: the book built without a single solution, every exercise statement kept.

``_config_student.yml`` is ``_config.yml`` plus sphinx-exercise's ``hide_solutions: true``,
which drops every ``{solution}`` block before its content is parsed, so the reference solution
a coding exercise's block shows through ``{literalinclude}`` is never even read. The README's
command builds it:

    jupyter-book build . --config _config_student.yml --path-output _build/student

The configuration test always runs. The build and its checks are opt-in (a full build of the
book from its stored outputs), like tests/browser: without BOOK_STUDENT_TESTS=1 they are not
collected at all. Enabled (``.ci/run`` does, right after the strict build), the README's
command is run and the pages in ``_build/student/_build/html`` are searched:

* for the code of every reference solution (a few distinctive source lines of every function
  in ``lib/exercises/solutions/*.py``, lines that occur nowhere in the chapters' own cells),
  in the text of every page (tags stripped, entities decoded, so highlighted code is found as
  well as plain text), in every other text file and inside every archive (a wheel or zip);
* for the markup of a solution block (``class="solution ..."``);
* for every exercise statement of every chapter: its block (by label), its title, its text.

``BOOK_STUDENT_HTML_DIR=<folder>`` checks an existing build instead of building; pointed at the
ordinary book (``_build/html``, which shows the solutions), the first two checks must fail.
"""

import ast
import html
import os
import pathlib
import re
import shutil
import subprocess
import sys
import zipfile

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "lib" / "exercises" / "solutions"
CHAPTERS = ROOT / "chapters"
COMMAND = "jupyter-book build . --config _config_student.yml --path-output _build/student"
# jupyter-book writes below <path-output>/_build/
STUDENT_HTML = ROOT / "_build" / "student" / "_build" / "html"
# What _config_student.yml adds to _config.yml, at its end (inside sphinx.config).
STUDENT_TAIL = "    # The student edition: no solution blocks.\n    hide_solutions: true\n"
LINES_PER_FUNCTION = 3  # distinctive source lines searched for, per reference solution
MIN_LINE = 16  # characters (whitespace collapsed): shorter lines are too generic to search


def test_student_config_is_the_default_one_without_solutions():
    """_config_student.yml differs from _config.yml only in its header comment and in the
    hide_solutions line at its end."""
    student = (ROOT / "_config_student.yml").read_text()
    default = (ROOT / "_config.yml").read_text()
    header, sep, body = student.partition(default.splitlines()[0])
    assert sep and sep + body == default + STUDENT_TAIL, \
        "_config_student.yml has drifted from _config.yml (it must be _config.yml plus " \
        "the two lines of STUDENT_TAIL at its end): `python tests/test_student_edition.py` " \
        "rewrites it so"
    assert header and all(line.startswith("#") for line in header.splitlines())
    assert COMMAND in header
    import yaml  # installed with jupyter-book

    config = yaml.safe_load(student)  # the tail lands in sphinx.config, the last section
    assert config["sphinx"]["config"]["hide_solutions"] is True
    assert "hide_solutions" not in yaml.safe_load(default)["sphinx"]["config"]
    assert "sphinx_exercise" in config["sphinx"]["extra_extensions"]


def test_readme_documents_the_student_edition():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|console|sh)?\n(.*?)```", readme, flags=re.S)
    assert any(COMMAND in block.splitlines() for block in blocks), \
        f"README.md has no code block with `{COMMAND}`"
    assert "BOOK_STUDENT_TESTS=1" in (ROOT / ".ci" / "run").read_text()


# ------------------------------------------------------------------ what must not be shown
def _squash(text):
    return " ".join(text.split())


def _chapter_sources():
    """Every cell source and stored text output of the chapters, whitespace collapsed."""
    parts = []
    for path in sorted(CHAPTERS.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            parts.append(cell.source)
            for out in cell.get("outputs", []):
                parts.append(out.get("text", "") or str(out.get("data", {}).get("text/plain", "")))
    return _squash("\n".join(parts))


def _shipped_lib_sources():
    """Every module of lib except the reference solutions, whitespace collapsed: the package
    every reader gets (the JupyterLite site ships it as a wheel), with the core
    implementations the chapters teach and the checks' own oracles."""
    return _squash("\n".join(p.read_text() for p in sorted((ROOT / "lib").rglob("*.py"))
                             if SOLUTIONS not in p.parents))


def solution_fingerprints():
    """{"chNN.function": [distinctive source lines]} for every function of every solution
    module: lines of the body (not the signature or the docstring, which the stub shares),
    long enough to be specific, and absent from every chapter's own cells and from the rest of
    lib (which every reader gets), so finding one in the build means that a reference
    solution is shown."""
    chapters = _chapter_sources() + "\n" + _shipped_lib_sources()
    found = {}
    for path in sorted(SOLUTIONS.glob("ch*.py")):
        source = path.read_text()
        lines = source.splitlines()
        for node in ast.parse(source).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(
                    getattr(body[0], "value", None), ast.Constant):
                body = body[1:]  # the docstring
            if not body:
                continue
            candidates = []
            for line in lines[body[0].lineno - 1:node.end_lineno]:
                squashed = _squash(line)
                if (len(squashed) >= MIN_LINE and not squashed.startswith("#")
                        and squashed not in chapters and squashed not in candidates):
                    candidates.append(squashed)
            # the longest are the most specific; keep source order among them
            keep = set(sorted(candidates, key=len, reverse=True)[:LINES_PER_FUNCTION])
            found[f"{path.stem}.{node.name}"] = [c for c in candidates if c in keep]
    return found


def test_every_reference_solution_has_a_fingerprint():
    """The leak check below can see every reference solution."""
    prints = solution_fingerprints()
    assert len(prints) >= 20, f"only {len(prints)} reference solutions found in {SOLUTIONS}"
    empty = [name for name, lines in prints.items() if not lines]
    assert not empty, f"no distinctive source line to search the build for: {empty}"


def exercise_statements():
    """[(chapter page, label, title)] of every {exercise} block in the chapters."""
    fence = re.compile(r"(?m)^(?P<f>`{3,}|:{3,})\{exercise\}[ \t]*(?P<title>.*)\n"
                       r"(?P<opts>(?:[ \t]*:[\w-]+:.*\n)*)")
    found = []
    for path in sorted(CHAPTERS.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "markdown":
                continue
            for m in fence.finditer(cell.source + "\n"):
                label = re.search(r":label:\s*(\S+)", m.group("opts"))
                assert label, f"{path.name}: exercise {m.group('title')!r} has no :label:"
                found.append((f"chapters/{path.stem}.html", label.group(1),
                              m.group("title").strip()))
    return found


# ------------------------------------------------------------------------- the built book
if os.environ.get("BOOK_STUDENT_TESTS") == "1":

    @pytest.fixture(scope="module")
    def student_html():
        """The student edition's pages: built with the README's command, or the folder of
        BOOK_STUDENT_HTML_DIR when given."""
        given = os.environ.get("BOOK_STUDENT_HTML_DIR")
        if given:
            folder = pathlib.Path(given).resolve()
        else:
            jb = shutil.which("jupyter-book", path=str(pathlib.Path(sys.executable).parent))
            jb = jb or shutil.which("jupyter-book")
            assert jb, "jupyter-book is not installed in this environment"
            shutil.rmtree(ROOT / "_build" / "student", ignore_errors=True)
            run = subprocess.run([jb, *COMMAND.split()[1:]], cwd=ROOT, capture_output=True,
                                 text=True, timeout=1800)
            assert run.returncode == 0, \
                f"`{COMMAND}` failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
            folder = STUDENT_HTML
        pages = sorted(folder.glob("**/*.html"))
        assert pages, f"no pages in {folder}"
        return folder

    def _page_text(raw):
        """What a page says: tags removed, entities decoded (highlighted code becomes the
        plain source again), whitespace collapsed."""
        raw = re.sub(r"(?is)<(script|style)\b[^>]*>(.*?)</\1>", r" \2 ", raw)
        return _squash(html.unescape(re.sub(r"<[^>]+>", "", raw)))

    def _texts(folder):
        """(name, searchable text) of every file of the build, archives opened."""
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder).as_posix()
            if path.suffix in {".whl", ".zip"}:
                with zipfile.ZipFile(path) as archive:
                    for member in archive.namelist():
                        data = archive.read(member)
                        if b"\0" not in data[:4096]:
                            yield f"{name}!{member}", _squash(data.decode("utf-8", "replace"))
                continue
            data = path.read_bytes()
            if b"\0" in data[:4096]:
                continue  # images, fonts
            text = data.decode("utf-8", "replace")
            if path.suffix == ".html":
                yield name, _page_text(text)
            else:
                yield name, _squash(html.unescape(text))

    def test_no_reference_solution_in_the_student_edition(student_html):
        prints = solution_fingerprints()
        leaks = []
        for name, text in _texts(student_html):
            for function, lines in prints.items():
                shown = [line for line in lines if line in text]
                if shown:
                    leaks.append(f"{name}: {function}: {shown[0]!r}")
        assert not leaks, f"{len(leaks)} reference solution(s) in the student edition " \
            f"({student_html}):\n" + "\n".join(leaks[:40])

    def test_no_solution_block_in_the_student_edition(student_html):
        markup = re.compile(r'class="[^"]*\bsolution\b[^"]*"')
        blocks = {}
        for path in sorted(student_html.rglob("*.html")):
            n = len(markup.findall(path.read_text(encoding="utf-8", errors="replace")))
            if n:
                blocks[path.relative_to(student_html).as_posix()] = n
        assert not blocks, f"solution blocks in the student edition: {blocks}"

    def test_every_exercise_statement_in_the_student_edition(student_html):
        statements = exercise_statements()
        assert len(statements) >= 20, f"only {len(statements)} exercises in the chapters"

        def plain(text):  # smartquotes and dashes as Sphinx typesets them
            text = re.sub(r"[\"'\u2018\u2019\u201c\u201d]", "'", text)
            return re.sub(r"[\u2013\u2014]|-{2,3}", "-", text)

        missing, pages = [], {}
        for page, label, title in statements:
            if page not in pages:
                path = student_html / page
                assert path.is_file(), f"{page} is missing from the student edition"
                pages[page] = path.read_text(encoding="utf-8")
            raw = pages[page]
            block = re.search(rf'<div class="exercise[^"]*" id="{re.escape(label)}">\s*'
                              r'<p class="admonition-title">(.*?)</p>\s*'
                              r'<section id="exercise-content">(.*?)</section>', raw, re.S)
            if not (block and f"({plain(_squash(title))})" in plain(_page_text(block[1]))
                    and _page_text(block[2])):
                missing.append(f"{page}: {label} ({title!r})")
        assert not missing, "exercise statements missing from the student edition:\n" + \
            "\n".join(missing)


def write_student_config():
    """Rewrite _config_student.yml as its header comment + _config.yml + STUDENT_TAIL."""
    path, default = ROOT / "_config_student.yml", (ROOT / "_config.yml").read_text()
    header = path.read_text().partition(default.splitlines()[0])[0]
    assert header and all(line.startswith("#") for line in header.splitlines()), \
        "_config_student.yml must start with its comment header"
    path.write_text(header + default + STUDENT_TAIL)


if __name__ == "__main__":
    write_student_config()
    print("_config_student.yml rewritten from _config.yml")
