"""A reader re-runs any cell after Run All and gets its result again.

Each chapter is executed top to bottom in one kernel, then every code cell is executed once
more, from the last to the first: cell k then sees the state left by Run All and by every
cell after it, so a name that a later cell rebinds, a generator shared with another cell or
an input mutated in place shows up as a changed output or an error. Text outputs are
compared exactly (animation ids normalised); figures and animations by presence (their
pixels are nbval's business). Cells marked NBVAL_IGNORE_OUTPUT (timings) are re-run but not
compared. Run with `BOOK_RERUN_TESTS=1 pytest tests/rerun -n 2`.
"""

import pathlib
import re

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def texts(outputs):
    out = []
    for o in outputs:
        if o.output_type == "stream":  # one print may arrive in several messages: join them
            if out and out[-1][0] == o.name:
                out[-1] = (o.name, out[-1][1] + o.text)
            else:
                out.append((o.name, o.text))
        elif o.output_type == "error":
            out.append(("error", f"{o.ename}: {o.evalue}"))
        elif "data" in o:
            d = o["data"]
            if "text/html" in d and "data:image/png" in d["text/html"]:
                out.append(("animation", ""))
            elif "image/png" in d:
                out.append(("figure", ""))
            else:
                text = str(d.get("text/plain", ""))
                out.append(("data", re.sub(r"[0-9a-f]{32}", "UUID", text)))
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_reruns_to_the_same_output(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    problems = []
    with client.setup_kernel():
        code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        first = {}
        for k, i in enumerate(code):
            client.execute_cell(nb.cells[i], i)
            first[k] = texts(nb.cells[i].outputs)
            assert not any(kind == "error" for kind, _ in first[k]), (k, first[k])
        for k, i in reversed(list(enumerate(code))):
            cell = nb.cells[i]
            client.execute_cell(cell, i)
            again = texts(cell.outputs)
            if any(kind == "error" for kind, _ in again):
                problems.append(f"code cell {k}: the re-run raised {again}")
            elif "NBVAL_IGNORE_OUTPUT" not in cell.source and again != first[k]:
                diff = [(a, b) for a, b in zip(first[k], again, strict=False)
                        if a != b] or (first[k], again)
                problems.append(f"code cell {k}: the re-run printed something else: {diff}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)
