"""The PDF edition holds the whole book: every title, every figure, resolved references, and
theorems and exercises numbered as in the HTML book (tests/pdf/conftest.py: opt-in)."""

import base64
import html
import os
import re
import shutil
import struct
import subprocess
from collections import Counter
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PDF = Path(os.environ.get("BOOK_PDF", ROOT / "_build" / "latex" / "mathdl-book.pdf"))
HTML = Path(os.environ.get("BOOK_HTML_DIR", ROOT / "_build" / "html"))
CAPTION = re.compile(r'<span class="caption-number">((?:[A-Z][a-z]+ )+)([0-9.]+) </span>'
                     r'\s*(?:\((.*?)\))?')


def chapter_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def source_path(name):
    for suffix in (".ipynb", ".md"):
        if (ROOT / (name + suffix)).is_file():
            return ROOT / (name + suffix)
    raise FileNotFoundError(name)


def flat(text):
    """Letters and digits only, lower case: line breaks, hyphenation, math fonts and
    punctuation differ between the PDF's text layer and the Markdown source."""
    text = text.replace("\u2019", "'")
    return re.sub(r"[^0-9a-z]", "", text.lower())


@pytest.fixture(scope="module")
def text():
    assert PDF.is_file(), f"no PDF at {PDF}: run `bash .ci/pdf` first"
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (Debian: poppler-utils) is needed to read the PDF"
    return subprocess.run([tool, "-layout", str(PDF), "-"], capture_output=True, text=True,
                          check=True).stdout


def headings(path):
    """Markdown headings (level, title) of a notebook or a .md page, outside code fences."""
    if path.suffix == ".ipynb":
        sources = [c.source for c in nbformat.read(path, as_version=4).cells
                   if c.cell_type == "markdown"]
    else:
        sources = [path.read_text()]
    found = []
    for source in sources:
        fenced = False
        for line in source.splitlines():
            if line.startswith(("```", ":::")):
                fenced = not fenced if line.strip("`:").strip() == "" or not fenced else fenced
            m = re.match(r"(#{1,3}) (.+)", line)
            if m and not fenced:
                found.append((len(m.group(1)), m.group(2)))
    return found


def plain_title(title):
    """A heading as typeset: math and markup removed (math is checked separately)."""
    title = re.sub(r"\$[^$]*\$", " ", title)
    title = re.sub(r"\{[a-z]+\}`([^`<]*)(<[^>]*>)?`", r"\1", title)  # {cite:t}`x`, {ref}`a <b>`
    return title.replace("`", "").replace("*", "")


def outline():
    """[(title, page)] of the PDF's bookmarks (parts, chapters, sections), in order."""
    tool = shutil.which("pdftohtml")
    assert tool, "pdftohtml (Debian: poppler-utils) is needed to read the PDF's outline"
    xml = subprocess.run([tool, "-xml", "-i", "-stdout", "-q", str(PDF)], capture_output=True,
                         text=True, check=True).stdout
    return [(html.unescape(re.sub(r"<[^>]+>", "", t)), int(p))
            for p, t in re.findall(r'<item page="(\d+)">(.*?)</item>', xml)]


def test_every_chapter_and_section_title_is_in_the_pdf(text):
    """Each heading of levels 1-3, in the book's order, is a bookmark of the PDF and is
    printed on the page the bookmark points to."""
    pages = [flat(page) for page in text.split("\f")]
    items = outline()
    position = 0
    root, *chapters = chapter_files()
    # The root page is the PDF's front matter, before the first bookmark: printed, unlisted.
    front = "".join(pages[: items[0][1] - 1])
    missing = [f"{root}: {title}" for _, title in headings(source_path(root))
               if flat(plain_title(title)) not in front]
    for name in chapters:
        for level, title in headings(source_path(name)):
            want = flat(plain_title(title))
            prefix = flat(plain_title(title.split("$")[0])) if "$" in title else want
            for k in range(position, len(items)):
                got = flat(items[k][0])
                if got == want or ("$" in title and got.startswith(prefix)):
                    break
            else:
                missing.append(f"{name}: {'#' * level} {title} (no bookmark after the "
                               f"previous heading)")
                continue
            position = k + 1
            if prefix not in pages[items[k][1] - 1]:
                missing.append(f"{name}: {title} not printed on page {items[k][1]}")
    assert not missing, "titles missing from the PDF:\n" + "\n".join(missing)


def test_no_unresolved_reference(text):
    assert "??" not in text, "an unresolved reference ('??') is in the PDF text"
    log = PDF.with_suffix(".log")
    assert log.is_file(), f"no LaTeX log at {log}"
    warnings = re.findall(r"LaTeX Warning: (?:Reference|Citation|There were undefined)[^\n]*",
                          log.read_text(errors="replace"))
    # latexmk reruns until references settle: only the last run's warnings count.
    last_run = log.read_text(errors="replace").rsplit("This is XeTeX", 1)[-1]
    assert "There were undefined references" not in last_run, warnings[-5:]


def html_captions():
    """['Theorem 1.1 (Perceptron convergence)', ...] in reading order of the HTML book."""
    assert HTML.is_dir(), f"no HTML build at {HTML}: run `jupyter-book build .` first"
    captions = []
    for name in chapter_files():
        page = HTML / (name + ".html")
        assert page.is_file(), f"{page} is missing from the HTML build"
        for kind, number, title in CAPTION.findall(page.read_text()):
            title = re.sub(r"<[^>]+>", "", title or "")
            captions.append((kind.strip(), number, title))
    return captions


def test_theorems_and_exercises_are_numbered_as_in_html(text):
    captions = html_captions()
    kinds = Counter(kind for kind, _, _ in captions)
    assert kinds["Theorem"] >= 5 and kinds["Exercise"] >= 20, kinds
    in_pdf = {}  # (kind, number) -> titles the PDF gives it, letters and digits only
    for m in re.finditer(r"([A-Z][a-z]+) ([0-9]+\.[0-9]+) \(([^)]{0,80})", re.sub(r"\s+", " ",
                                                                               text)):
        in_pdf.setdefault((m.group(1), m.group(2)), []).append(flat(m.group(3)))
    missing = []
    for kind, number, title in captions:
        start = flat(html.unescape(title).split("\\(")[0])[:15]  # the text before any math
        if not any(t.startswith(start) for t in in_pdf.get((kind, number), [])):
            missing.append(f"{kind} {number} ({html.unescape(title)})")
    assert not missing, "numbered in HTML but not so in the PDF:\n" + "\n".join(missing[:20])


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def notebook_figures():
    """Counter of (width, height) of every PNG output the HTML book shows."""
    sizes = Counter()
    for name in chapter_files():
        path = source_path(name)
        if path.suffix != ".ipynb":
            continue
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                png = output.get("data", {}).get("image/png")
                if png:
                    sizes[png_size(base64.b64decode(png))] += 1
    return sizes


def test_every_figure_is_in_the_pdf():
    tool = shutil.which("pdfimages")
    assert tool, "pdfimages (Debian: poppler-utils) is needed"
    listing = subprocess.run([tool, "-list", str(PDF)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    in_pdf = Counter((int(row.split()[3]), int(row.split()[4])) for row in listing
                     if row.split()[2] == "image")
    expected = notebook_figures()
    assert sum(expected.values()) >= 50
    missing = expected - in_pdf
    assert not missing, f"figures (width, height) not in the PDF: {dict(missing)}"
