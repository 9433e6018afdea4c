"""_ext/book_pdf.py: the HTML book links the PDF edition only when one was built.

Two one-chapter books built with this repository's configuration (tests/test_build.py's
helpers): without `_build/latex/mathdl-book.pdf` no page mentions the PDF (the TeX-free
default build has no dangling link); with it, the intro page links it, every page's download
menu offers it, and the file is copied next to the pages. The PDF's own numbering is checked
on the real PDF by tests/pdf/test_pdf.py.
"""

import re

import pytest
from test_build import _build, _make_book

INTRO = "# A test book\n\nOne chapter.\n\n```{book-pdf}\n```\n"
FAKE_PDF = b"%PDF-1.5\n% a stand-in: the extension copies and links it, it never reads it\n"


@pytest.fixture
def book(tmp_path):
    _make_book(tmp_path, "print(1 + 1)")
    (tmp_path / "intro.md").write_text(INTRO)
    return tmp_path


def built_pages(book):
    run = _build(book)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    html = book / "_build" / "html"
    return (html / "intro.html").read_text(), (html / "nb.html").read_text(), html


def test_no_pdf_no_link(book):
    intro, chapter, html = built_pages(book)
    for page in (intro, chapter):
        assert "mathdl-book.pdf" not in page and "book-pdf-link" not in page
        assert "download-book-pdf-button" not in page
    assert not (html / "mathdl-book.pdf").exists()
    assert "Print to PDF" in chapter  # the theme's own download menu is still there


def test_built_pdf_is_linked_and_shipped(book):
    latex = book / "_build" / "latex"
    latex.mkdir(parents=True)
    (latex / "mathdl-book.pdf").write_bytes(FAKE_PDF)
    intro, chapter, html = built_pages(book)
    assert re.search(r'<a class="[^"]*book-pdf-link[^"]*" href="mathdl-book.pdf"', intro)
    for page in (intro, chapter):
        entry = re.search(r'<a href="([^"]*)"[^>]*\n?[^>]*btn-download-book-pdf-button', page)
        assert entry and entry.group(1).endswith("mathdl-book.pdf"), "no menu entry"
    assert (html / "mathdl-book.pdf").read_bytes() == FAKE_PDF
