"""Re-run tests: every chapter executed top to bottom, then each code cell run once more.

Opt-in like the browser tests: without BOOK_RERUN_TESTS=1 this folder is not collected (a
plain `pytest --nbval` neither runs nor skips it); `.ci/run` runs it as a stage of its own.
"""

import os

if os.environ.get("BOOK_RERUN_TESTS") != "1":
    collect_ignore_glob = ["*.py"]  # relative to this folder
