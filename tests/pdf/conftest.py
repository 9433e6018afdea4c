"""Tests of the PDF edition (run by .ci/run's PDF stage, after `.ci/pdf` and the HTML build).

Opt-in like the browser tests: without BOOK_PDF_TESTS=1 this folder is not collected, so a
plain `pytest --nbval` on a fresh clone (no TeX, no `_build/`) neither runs nor skips them.
Enabled, a missing PDF, HTML build or poppler tool is a failure, not a skip.

Environment variables:
    BOOK_PDF       the PDF to test (default _build/latex/mathdl-book.pdf)
    BOOK_HTML_DIR  the HTML build to compare numbering with (default _build/html)
"""

import os

if os.environ.get("BOOK_PDF_TESTS") != "1":
    collect_ignore_glob = ["*.py"]  # relative to this folder
