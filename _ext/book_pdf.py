"""The book's PDF edition inside the HTML book: numbering as in HTML, and links only when built.

A small Sphinx extension (loaded through ``sphinx.local_extensions`` in ``_config.yml``).

* **Numbering.** For a LaTeX build, sphinx-jupyterbook-latex turns the table of contents'
  parts into ``\\part`` and sets ``numfig_secnum_depth = 2``, so the PDF would number the
  first exercise of chapter 1's section 8 "Exercise 1.8.1" where the HTML book says
  "Exercise 1.1". This extension sets the depth back to 1 after it (a later
  ``builder-inited`` handler), so theorems, exercises and equations carry the same numbers in
  both editions (tests/test_pdf.py compares them).
* **Links.** ``.ci/pdf`` (or ``jupyter-book build . --builder pdflatex``) writes the PDF to
  ``_build/latex/<name>.pdf``. When an HTML build finds that file, it copies it next to the
  pages, the ``book-pdf`` directive (used on the intro page) renders a download link, and
  every page's download menu gets a "whole book" entry. Without the file (the default,
  TeX-free build) the directive renders nothing and the menu is unchanged, so no link
  dangles. The PDF build itself renders no link to itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.latex import LaTeXBuilder
from sphinx.util.docutils import SphinxDirective

PDF_NAME = "mathdl-book.pdf"  # _config.yml: latex.latex_documents.targetname, .tex -> .pdf


def built_pdf(app: Sphinx) -> Path | None:
    """The PDF a LaTeX build of this book left in ``_build/latex``, or None."""
    pdf = Path(app.outdir).parent / "latex" / PDF_NAME
    return pdf if pdf.is_file() else None


def number_as_in_html(app: Sphinx) -> None:
    if isinstance(app.builder, LaTeXBuilder):
        app.config.numfig_secnum_depth = 1


class BookPdf(SphinxDirective):
    """``{book-pdf}``: a paragraph with a link to the whole book as a PDF, if one was built."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        pdf = built_pdf(self.env.app)
        # Re-read this page whenever the PDF appears or changes (a missing dependency counts
        # as changed, so a page built without it is re-read once it exists).
        self.env.note_dependency(str(Path(self.env.app.outdir).parent / "latex" / PDF_NAME))
        if pdf is None or self.env.app.builder.format != "html":
            return []
        depth = self.env.docname.count("/")
        href = "../" * depth + PDF_NAME
        para = nodes.paragraph()
        para += nodes.Text("Offline copy: ")
        link = nodes.reference("", "the whole book as one PDF", refuri=href)
        link["classes"].append("book-pdf-link")
        para += link
        para += nodes.Text(", with the same chapters, theorems and exercises; animations and "
                           "explorers appear there as static figures.")
        return [para]


def add_menu_entry(app: Sphinx, pagename: str, templatename: str, context: dict,
                   doctree) -> None:
    """Append "the whole book (.pdf)" to the theme's download menu of every page."""
    if built_pdf(app) is None:
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].append({
                "type": "link",
                "url": context["pathto"](PDF_NAME, 1),
                "text": "book .pdf",
                "tooltip": "Download the whole book as a PDF",
                "icon": "fas fa-book",
                "label": "download-book-pdf-button",
            })


def copy_pdf(app: Sphinx, exception: Exception | None) -> None:
    pdf = built_pdf(app)
    if exception is None and pdf is not None and app.builder.format == "html":
        shutil.copyfile(pdf, Path(app.outdir) / PDF_NAME)


def setup(app: Sphinx) -> dict:
    # After sphinx-jupyterbook-latex's own builder-inited handler (default priority 500).
    app.connect("builder-inited", number_as_in_html, priority=900)
    app.add_directive("book-pdf", BookPdf)
    # After sphinx-book-theme builds its header buttons (priority 501).
    app.connect("html-page-context", add_menu_entry, priority=600)
    app.connect("build-finished", copy_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
