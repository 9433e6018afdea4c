"""Zero broken internal links in the built book (no browser needed, but it checks the build).

Every href/src of every HTML file under the build that points inside the book must name a
file that exists, and a #fragment must be an id (or <a name>) on the target page. External
links (http:, https:, mailto:, ...) are not followed: the machine has no internet, and the
book's own pages are what this checks. Files under _static/ are the themes' assets (some are
Jinja templates named .html); links *into* _static/ are checked, links inside it are not.

Why not LinkChecker: `linkchecker` 10.6 with its AnchorCheck plugin on the built book's
index.html (file URLs, intern links only) had not finished after 5 minutes of CPU on a 2-core
machine (it fetches every theme asset and search-index page as a URL); this check parses each
page once and finishes in seconds.
"""

from collections import defaultdict
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {"a": "href", "link": "href", "area": "href", "img": "src", "script": "src",
              "iframe": "src", "source": "src", "video": "src", "audio": "src",
              "embed": "src"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        attr = LINK_ATTRS.get(tag)
        if attr and attrs.get(attr):
            self.links.append((tag, attrs[attr].strip()))

    handle_startendtag = handle_starttag


@lru_cache(maxsize=None)
def parse(path):
    page = _Page()
    page.feed(Path(path).read_text(encoding="utf-8", errors="replace"))
    return frozenset(page.ids), tuple(page.links)


def broken_links(html_dir):
    """[(page, link, reason)] for every internal link that does not resolve."""
    html_dir = Path(html_dir).resolve()
    problems = []
    for page in sorted(html_dir.rglob("*.html")):
        if "_static" in page.relative_to(html_dir).parts:
            continue
        _, links = parse(page)
        for tag, link in links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):  # external, data:, javascript:, ...
                continue
            if parts.path:
                target = (page.parent / unquote(parts.path)).resolve()
                if link.endswith("/") or target.is_dir():
                    target = target / "index.html"
            else:
                target = page
            where = page.relative_to(html_dir).as_posix()
            if not target.is_relative_to(html_dir):
                problems.append((where, link, "points outside the book"))
            elif not target.is_file():
                problems.append((where, link, "no such file"))
            elif parts.fragment and target.suffix == ".html" and tag in ("a", "area"):
                ids, _ = parse(target)
                if unquote(parts.fragment) not in ids:
                    problems.append((where, link, "no such id on the target page"))
    return problems


def test_no_broken_internal_links(html_dir):
    pages = [p for p in Path(html_dir).rglob("*.html") if "_static" not in p.parts]
    assert pages, f"no HTML under {html_dir}"
    problems = broken_links(html_dir)
    by_reason = defaultdict(list)
    for where, link, reason in problems:
        by_reason[reason].append(f"{where}: {link}")
    report = "\n".join(f"{reason} ({len(items)}):\n  " + "\n  ".join(items[:30])
                       for reason, items in by_reason.items())
    assert not problems, f"{len(problems)} broken internal links in {len(pages)} pages:\n{report}"


def test_checker_finds_broken_links(tmp_path):
    """The checker itself: a missing file, a missing id and a good link."""
    (tmp_path / "a.html").write_text(
        '<p id="top"></p><a href="b.html#here">ok</a><a href="b.html#gone">bad id</a>'
        '<a href="missing.html">bad file</a><a href="#top">self</a>'
        '<a href="https://example.org/x">external</a><img src="img/p.png">', encoding="utf-8")
    (tmp_path / "b.html").write_text('<h1 id="here">B</h1>', encoding="utf-8")
    found = {(link, reason) for _, link, reason in broken_links(tmp_path)}
    assert found == {("b.html#gone", "no such id on the target page"),
                     ("missing.html", "no such file"), ("img/p.png", "no such file")}
