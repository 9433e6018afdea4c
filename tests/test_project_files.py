"""The files that say what the project is agree with each other and with the code: the license,
the citation, the changelog, the one version number, the chapter -> modules -> tests table
in ``lib/__init__.py``'s docstring, the layering rule, and the type hints of every public
signature a chapter calls."""

from __future__ import annotations

import ast
import collections
import importlib
import importlib.metadata
import inspect
import pathlib
import re
import types
import typing

import docutils.core
import nbformat
import pytest
import yaml

import lib

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest itself depends on tomli there
    import tomli as tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))

MIT_GRANT = ("Permission is hereby granted, free of charge, to any person obtaining a copy of "
             "this software and associated documentation files (the \"Software\"), to deal in "
             "the Software without restriction")
MIT_WARRANTY = "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND"


def _words(text):
    return " ".join(text.split())


# --- license -------------------------------------------------------------------------------

def test_license_is_mit_and_matches_pyproject_and_book():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert MIT_GRANT in _words(text) and MIT_WARRANTY in _words(text)
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}
    # The copyright holder and year are the book's (_config.yml: "2026, <authors>").
    year, holder = (part.strip() for part in CONFIG["copyright"].split(",", 1))
    assert f"Copyright (c) {year} {holder}\n" in text
    assert "MIT license" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- version -------------------------------------------------------------------------------

def test_version_has_one_source():
    """pyproject.toml reads the version from lib.__version__ (setuptools' dynamic version),
    and the installed distribution carries that version."""
    project = PYPROJECT["project"]
    assert "version" not in project, "pyproject.toml states a version of its own"
    assert "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "lib.__version__"}
    # setuptools reads the attribute without importing lib: it must be a plain string literal.
    tree = ast.parse((ROOT / "lib" / "__init__.py").read_text(encoding="utf-8"))
    literals = [node.value.value for node in tree.body
                if isinstance(node, ast.Assign)
                and [getattr(t, "id", None) for t in node.targets] == ["__version__"]
                and isinstance(node.value, ast.Constant)]
    assert literals == [lib.__version__]
    assert re.fullmatch(r"\d+\.\d+\.\d+", lib.__version__), lib.__version__
    assert importlib.metadata.version(project["name"]) == lib.__version__, (
        "the installed metadata is stale: reinstall with `python -m pip install -e . --no-deps`")


# --- citation ------------------------------------------------------------------------------

def test_citation_cff_has_the_required_keys_and_the_projects_facts():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "authors"):
        assert cff.get(key), f"CITATION.cff lacks {key}"
    assert re.fullmatch(r"1\.2\.\d+", str(cff["cff-version"]))
    assert cff["title"] == CONFIG["title"]
    assert cff["authors"] == [{"name": CONFIG["author"]}]
    assert cff["version"] == lib.__version__
    assert cff["license"] == "MIT"
    assert cff["repository-code"] == CONFIG["repository"]["url"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(cff["date-released"]))


# --- changelog -----------------------------------------------------------------------------

def test_changelog_has_an_entry_for_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", text, flags=re.M)
    assert headings and headings[0] == "Unreleased", headings
    assert lib.__version__ in headings, f"CHANGELOG.md has no entry for {lib.__version__}"
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert re.search(rf"^## \[{re.escape(lib.__version__)}\] - {cff['date-released']}$",
                     text, flags=re.M), "the release date differs from CITATION.cff's"


# --- lib's chapter -> modules -> tests table -----------------------------------------------

def _docstring_table():
    """Rows of the first table of lib's docstring, parsed by docutils: [(chapter, modules,
    tests)], each cell a list of the ``literal`` names in it."""
    doc = re.sub(r":(math|meth|func|class):", "", lib.__doc__)
    tree = docutils.core.publish_doctree(doc, settings_overrides={"report_level": 5})
    tables = [n for n in tree.findall() if n.tagname == "table"]
    assert tables, "lib's docstring has no table"
    body = next(n for n in tables[0].findall() if n.tagname == "tbody")
    rows = []
    for row in body.children:
        cells = [[lit.astext() for lit in entry.findall() if lit.tagname == "literal"]
                 or [entry.astext()] for entry in row.children]
        rows.append(tuple(cells))
    return rows


TABLE = _docstring_table()
TOC_CHAPTERS = [entry["file"].split("/", 1)[1] for part in TOC["parts"]
                for entry in part["chapters"] if entry["file"].startswith("chapters/")]
LIB_MODULES = sorted([p.stem for p in (ROOT / "lib").glob("*.py") if p.stem != "__init__"]
                     + [p.parent.name for p in (ROOT / "lib").glob("*/__init__.py")])


def test_the_table_has_a_row_per_chapter_in_toc_order():
    chapters = [cells[0][0] for cells in TABLE if cells[0][0][:2].isdigit()]
    assert chapters == TOC_CHAPTERS
    assert all((ROOT / "chapters" / f"{c}.ipynb").is_file() for c in chapters)


def test_every_module_in_the_table_exists_and_every_module_is_in_it():
    listed = {m for cells in TABLE for m in cells[1]}
    assert listed, "the table names no module"
    missing = sorted(m for m in listed if not (ROOT / "lib" / f"{m}.py").is_file()
                     and not (ROOT / "lib" / m / "__init__.py").is_file())
    assert not missing, f"the table names modules that do not exist: {missing}"
    absent = sorted(set(LIB_MODULES) - listed)
    assert not absent, f"modules missing from lib's table: {absent}"


def test_every_test_file_in_the_docstring_exists_and_every_test_file_is_named():
    named = set(re.findall(r"``(test_\w+\.py)``", lib.__doc__))
    in_table = {t for cells in TABLE for t in cells[2]}
    assert in_table and in_table <= named
    missing = sorted(t for t in named if not (ROOT / "tests" / t).is_file())
    assert not missing, f"lib's docstring names test files that do not exist: {missing}"
    absent = sorted(p.name for p in (ROOT / "tests").glob("test_*.py") if p.name not in named)
    assert not absent, f"test files missing from lib's docstring: {absent}"
    paths = set(re.findall(r"``tests/([\w.]+)``", lib.__doc__))
    assert paths, "lib's docstring names no tests/ folder or file"
    missing = sorted(p for p in paths if not (ROOT / "tests" / p).exists())
    assert not missing, f"lib's docstring names tests/ paths that do not exist: {missing}"


def test_every_chapter_row_names_its_chapter_test():
    for chapter, _modules, tests in TABLE:
        if chapter[0][:2].isdigit():
            assert any(t.startswith(f"test_ch{chapter[0][:2]}_") for t in tests), chapter


@pytest.mark.parametrize("module", [m for m in LIB_MODULES if not m.startswith("_")])
def test_every_public_module_has_its_api_page_section(module):
    assert f".. automodule:: lib.{module}\n" in (ROOT / "api.md").read_text(encoding="utf-8")


# --- the layering rule ---------------------------------------------------------------------

PRESENTATION = {"plotting", "widgets"}
PRESENTATION_LIBRARIES = {"matplotlib", "ipywidgets", "IPython"}


def _imports(module):
    path = ROOT / "lib" / module
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")]
    names = set()
    for node in (n for f in files for n in ast.walk(ast.parse(f.read_text(encoding="utf-8")))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names.add(node.module)
            else:  # from . import x / from .x import y
                names |= ({f"lib.{node.module}"} if node.module
                          else {f"lib.{a.name}" for a in node.names})
    return names


@pytest.mark.parametrize("module", sorted(set(LIB_MODULES) - PRESENTATION))
def test_below_presentation_lib_imports_neither_plotting_nor_widgets(module):
    """numpy-only below the presentation layer: no matplotlib, ipywidgets or IPython, and
    nothing from lib.plotting or lib.widgets (CONTRIBUTING.md, the layering rule)."""
    imported = _imports(module)
    roots = {name.split(".")[0] for name in imported}
    assert not roots & PRESENTATION_LIBRARIES, (module, sorted(roots & PRESENTATION_LIBRARIES))
    assert not {f"lib.{p}" for p in PRESENTATION} & imported, module


# --- type hints on the signatures the chapters call ----------------------------------------
#
# Every public callable of ``lib`` that a chapter calls has type hints on all its parameters
# and its return, and the hints resolve (as Sphinx's autodoc and a type checker resolve them).
#
# The calls are read from the chapters' code cells: the names a cell binds to ``lib`` or one of
# its modules (``import lib``, ``from lib import data, MLP``, ``from lib import scalar_chain as
# chain``) and the attribute chains read through them (``data.separable_blobs``,
# ``lib.optim.train``) give the functions and classes; of a class, the constructor and every
# public method whose name the chapter calls (``net.forward(...)``), and the same for the
# classes the chapter's lib modules define (objects that lib functions return, such as a
# ``ForwardPass``).

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _code_cells(path):
    """The code cells' sources, IPython magics and shell lines removed."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield "\n".join(line for line in cell.source.splitlines()
                            if not line.lstrip().startswith(("%", "!")))


def _lib_bindings(trees):
    """name bound in the chapter -> dotted path in lib it stands for."""
    bound = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and (
                    node.module == "lib" or node.module.startswith("lib.")):
                for alias in node.names:
                    bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "lib" or alias.name.startswith("lib."):
                        bound[alias.asname or "lib"] = alias.name if alias.asname else "lib"
    return bound


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return [node.id, *reversed(parts)] if isinstance(node, ast.Name) else None


def _resolve(path):
    """The object a dotted path into lib names, and the module that holds it (or None)."""
    parts = path.split(".")
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(".".join(parts[:i + 1]))
        if not isinstance(obj, types.ModuleType):
            return obj
    return obj


def chapter_calls(path):
    """The public lib callables a chapter's code uses, as {qualified name: callable}."""
    trees = [ast.parse(src) for src in _code_cells(path)]
    bound = _lib_bindings(trees)
    constructed = set()  # classes a chapter calls (not those it only names, as in `except`)
    objects, modules, called_methods, called = {}, set(), set(), set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                called.add(id(node.func))
                if isinstance(node.func, ast.Attribute):
                    called_methods.add(node.func.attr)
            if not isinstance(node, (ast.Attribute, ast.Name)):
                continue
            chain = _dotted(node)
            if not chain or chain[0] not in bound:
                continue
            obj = _resolve(".".join([bound[chain[0]], *chain[1:]]))
            if isinstance(obj, types.ModuleType):
                modules.add(obj)
            elif callable(obj) and getattr(obj, "__module__", "").startswith("lib"):
                name = f"{obj.__module__}.{obj.__qualname__}"
                objects[name] = obj
                if inspect.isclass(obj) and id(node) in called:
                    constructed.add(name)
    classes = {name: obj for name, obj in objects.items() if inspect.isclass(obj)}
    for module in modules:  # public classes whose instances lib functions hand to a chapter
        for attr, obj in vars(module).items():
            if (inspect.isclass(obj) and obj.__module__.startswith("lib")
                    and not attr.startswith("_") and "._" not in obj.__module__):
                classes[f"{obj.__module__}.{obj.__qualname__}"] = obj
    calls = {name: obj for name, obj in objects.items() if not inspect.isclass(obj)}
    for name, cls in classes.items():
        if name in constructed and "__init__" in vars(cls):
            calls[f"{name}.__init__"] = vars(cls)["__init__"]
        for attr, member in vars(cls).items():
            if attr.startswith("_") or attr not in called_methods:
                continue
            func = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
            if inspect.isfunction(func):
                calls[f"{name}.{attr}"] = func
    return calls


def missing_hints(func):
    """What is unannotated in ``func``'s signature (``self``/``cls`` of a method excepted),
    or why its hints do not resolve; empty when every hint is there and resolves."""
    func = inspect.unwrap(func)
    if inspect.isclass(func):
        func = func.__init__
    problems = []
    params = list(inspect.signature(func).parameters.values())
    if params and params[0].name in ("self", "cls") and "." in func.__qualname__:
        params = params[1:]
    problems += [f"parameter {p.name!r}" for p in params if p.annotation is p.empty]
    if inspect.signature(func).return_annotation is inspect.Signature.empty:
        problems.append("the return")
    if not problems:
        try:
            typing.get_type_hints(func)
        except Exception as exc:  # noqa: BLE001 (any failure to resolve is the finding)
            problems.append(f"hints do not resolve: {type(exc).__name__}: {exc}")
    return problems


CALLS = collections.defaultdict(list)
for _chapter in CHAPTERS:
    for _name, _func in chapter_calls(_chapter).items():
        CALLS[_name].append((_chapter.stem, _func))


def test_the_walk_finds_the_chapters_calls():
    """The walk sees what the chapters visibly call (a broken walk must not pass vacuously)."""
    assert len(CHAPTERS) >= 10
    for expected in ("lib.mlp.MLP.__init__", "lib.mlp.MLP.forward", "lib.optim.train",
                     "lib.data.separable_blobs", "lib.perceptron.perceptron",
                     "lib.plotting.new_figure", "lib.scalar_chain.scalar_chain"):
        assert expected in CALLS, expected
    assert len(CALLS) > 100


def test_the_check_flags_a_missing_hint():
    def no_return(x: int):
        return x

    def no_param(x, y: int = 0) -> int:
        return y

    def unresolved(x: NoSuchName) -> int:  # noqa: F821
        return 0

    def complete(x: int, *args: float, flag: bool = False, **kw: str) -> int:
        return x

    class Thing:
        def __init__(self, a):
            self.a = a

        def method(self, b: int) -> int:
            return b

    assert missing_hints(no_return) == ["the return"]
    assert missing_hints(no_param) == ["parameter 'x'"]
    assert missing_hints(unresolved)[0].startswith("hints do not resolve: NameError")
    assert missing_hints(complete) == []
    assert missing_hints(Thing) == ["parameter 'a'", "the return"]
    assert missing_hints(Thing.method) == []


@pytest.mark.parametrize("name", sorted(CALLS))
def test_public_signatures_the_chapters_call_are_annotated(name):
    chapters = sorted({chapter for chapter, _ in CALLS[name]})
    problems = missing_hints(CALLS[name][0][1])
    assert not problems, f"{name} (called in {', '.join(chapters)}) lacks hints: {problems}"
