"""Other generators' template syntax in an article's body: what each piece becomes.

`{% highlight %}` (and Hugo's `highlight`) a fenced block, `{% raw %}` its text, Hugo's media
shortcodes an image or a link, links to other posts (Pelican `{filename}`, Jekyll `post_url`
and `link`, Hugo `ref`/`relref`) marks that the writer points at the posts' new URLs. Other
tags are left as text and named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from newsgen.importers.record import Link


@dataclass(frozen=True, slots=True)
class Place:
    """Where a body comes from, for its links: the old site, its content folder, the file."""

    flavour: str
    site: Path
    content: Path
    path: Path


@dataclass(frozen=True, slots=True)
class Body:
    text: str
    links: tuple[Link, ...]
    notes: tuple[str, ...]  # what was changed, for the report
    leftovers: tuple[str, ...]  # template tags left as text, for the report


def convert(body: str, flavour: str | None, place: Place | None) -> Body:
    """The body with each piece of template syntax made what it showed, where newsgen can."""
    body, raw = _code_and_raw(body)
    notes: list[str] = []
    if flavour == "hugo":
        body = _HUGO_MEDIA.sub(lambda m: _hugo_media(m, notes), body)
    links: tuple[Link, ...] = ()
    if place is not None:
        body, links, link_notes = _links(body, place)
        notes.extend(link_notes)
    leftovers = tuple(
        f"template tag {tag[:40]!r} left as text" for tag in _TEMPLATE_TAG.findall(body)[:5]
    )
    return Body(_restore_raw(body, raw), links, tuple(notes), leftovers)


_TEMPLATE_TAG = re.compile(r"\{\{[<%].*?[%>]\}\}|\{%.*?%\}", re.DOTALL)

# Jekyll's and Hugo's code blocks, and Jekyll's {% raw %} (its content is text, not Liquid).
_HIGHLIGHT = re.compile(
    r"\{%-?\s*highlight\s+([\w+#.-]+)[^%]*?-?%\}\n?(.*?)\n?\{%-?\s*endhighlight\s*-?%\}"
    r"|\{\{<\s*highlight\s+([\w+#.-]+)[^>]*>\}\}\n?(.*?)\n?\{\{<\s*/highlight\s*>\}\}",
    re.DOTALL,
)

_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)

# Links to other posts: Pelican {filename}/|filename| (and {static}, {attach} to files),
# Jekyll {% post_url name %} and {% link path %}, Hugo {{< ref "path" >}} and relref.
_PELICAN_LINK = re.compile(r"(?:\{|\|)(filename|static|attach)(?:\}|\|)([^\s)\"'>]+)")

_JEKYLL_LINK = re.compile(r"\{%-?\s*(post_url|link)\s+([^\s%]+)\s*-?%\}")

_HUGO_LINK = re.compile(r"\{\{[<%]\s*(?:rel)?ref\s+\"?([^\"\s>%]+)\"?\s*[%>]\}\}")

# Hugo's built-in shortcodes for media: kept as what they showed (an image, a link).
_HUGO_MEDIA = re.compile(
    r"\{\{[<%]\s*(figure|youtube|vimeo|vimeo_simple|gist|tweet|twitter|twitter_simple|instagram)"
    r"\b(.*?)\s*/?[%>]\}\}",
    re.DOTALL,
)

_SHORTCODE_ARGUMENT = re.compile(r'(?:(\w+)=)?(?:"([^"]*)"|(\S+))')

_LINK_MARK = "xnewsgenlink{}x"

_RAW_MARK = "xnewsgenraw{}x"

_RAW_MARK_RE = re.compile(r"xnewsgenraw(\d+)x")


def _code_and_raw(body: str) -> tuple[str, list[str]]:
    """{% highlight lang %} (and Hugo's highlight) as fenced blocks; each {% raw %} block set
    aside (see `_restore_raw`), so that nothing in it is taken for a template tag."""

    def fence(match: re.Match[str]) -> str:
        language = match[1] or match[3]
        code = match[2] if match[1] else match[4]
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        ticks = "`" * max(3, longest + 1)
        return f"{ticks}{language}\n{code}\n{ticks}"

    raw: list[str] = []

    def aside(match: re.Match[str]) -> str:
        raw.append(match[1])
        return _RAW_MARK.format(len(raw) - 1)

    return _RAW.sub(aside, _HIGHLIGHT.sub(fence, body)), raw


def _hugo_media(match: re.Match[str], notes: list[str]) -> str:
    """{{< figure src=… caption=… >}} as an image and its caption; {{< youtube ID >}} and the
    other embeds as a link to what they showed (the build shows no raw HTML)."""
    name = match[1]
    named: dict[str, str] = {}
    positional: list[str] = []
    for key, quoted, bare in _SHORTCODE_ARGUMENT.findall(match[2]):
        value = quoted or bare
        if key:
            named[key.lower()] = value
        else:
            positional.append(value)
    if name == "figure":
        src = named.get("src", "")
        if not src:
            return match[0]
        alt = named.get("alt") or named.get("title") or ""
        caption = named.get("caption") or named.get("title") or ""
        image = f"![{alt}]({src.replace(' ', '%20')})"
        return f"{image}\n\n_{caption}_" if caption else image
    first = named.get("id") or (positional[0] if positional else "")
    user = named.get("user") or (positional[0] if len(positional) > 1 else "")
    second = positional[1] if len(positional) > 1 else named.get("id", "")
    url = {
        "youtube": f"https://www.youtube.com/watch?v={first}",
        "vimeo": f"https://vimeo.com/{first}",
        "vimeo_simple": f"https://vimeo.com/{first}",
        "gist": f"https://gist.github.com/{user}/{second}",
        "tweet": f"https://twitter.com/{user}/status/{second or first}",
        "twitter": f"https://twitter.com/{user}/status/{second or first}",
        "twitter_simple": f"https://twitter.com/{user}/status/{second or first}",
        "instagram": f"https://www.instagram.com/p/{first}/",
    }[name]
    if not first:
        return match[0]
    notes.append(f"Hugo shortcode {name} became a link to {url}")
    return f"<{url}>"


def _restore_raw(body: str, raw: list[str]) -> str:
    """{% raw %}'s content, as the page showed it: text."""
    return _RAW_MARK_RE.sub(lambda m: raw[int(m[1])], body)


def _links(body: str, source: Place) -> tuple[str, tuple[Link, ...], tuple[str, ...]]:
    """Links to other posts as marks that the writer turns into their new URLs."""
    links: list[Link] = []
    notes: list[str] = []
    content, site = source.content, source.site

    def mark(target: Path | None, original: str) -> str:
        links.append(Link(_LINK_MARK.format(len(links)), _target_id(target, source), original))
        return links[-1].mark

    def pelican(match: re.Match[str]) -> str:
        kind, given = match[1], match[2]
        path = _resolve(given, content, source.path.parent)
        if kind == "filename":
            return mark(path, match[0])
        # A static file: newsgen serves the site's static/ folder at /static/.
        base = content if given.startswith("/") else source.path.parent
        file = (base / given.lstrip("/")).resolve()
        if not file.is_relative_to(content.resolve()):
            notes.append(f"{match[0]} leads out of the content folder; left as it was")
            return match[0]
        relative = file.relative_to(content.resolve()).as_posix()
        shown = file.relative_to(site.resolve()).as_posix()
        notes.append(f"link to {shown}: copy the file to static/{relative}")
        return f"/static/{relative}"

    def jekyll(match: re.Match[str]) -> str:
        if match[1] == "post_url":
            name = match[2].strip("'\"")
            found = sorted(
                p for p in content.rglob("*") if p.stem == Path(name).name and p.is_file()
            )
            return mark(found[0] if found else None, match[0])
        path = _resolve("/" + match[2].strip("'\"").lstrip("/"), site, site)
        return mark(path, match[0])

    def hugo(match: re.Match[str]) -> str:
        given = match[1].split("#", 1)[0]
        path = _resolve(given, content, source.path.parent)
        if path is None and "/" not in given:  # Hugo finds a bare name anywhere
            found = sorted(
                p for p in content.rglob("*") if p.name in (given, f"{given}.md") and p.is_file()
            )
            path = found[0] if found else None
        return mark(path, match[0])

    if source.flavour == "pelican":
        body = _PELICAN_LINK.sub(pelican, body)
    elif source.flavour == "jekyll":
        body = _JEKYLL_LINK.sub(jekyll, body)
    elif source.flavour == "hugo":
        body = _HUGO_LINK.sub(hugo, body)
    return body, tuple(links), tuple(notes)


def _resolve(given: str, content: Path, here: Path) -> Path | None:
    """The file a link names: from the content folder if it starts with '/', else from the
    linking file's folder; a page bundle's index.md for a folder; None if there is none."""
    base = content if given.startswith("/") else here
    path = (base / given.lstrip("/")).resolve()
    for candidate in (path, path.with_suffix(".md"), path / "index.md", path / "index.markdown"):
        if candidate.is_file() and candidate.is_relative_to(content.resolve().parent):
            return candidate
    return None


def _target_id(target: Path | None, source: Place) -> str:
    """The import id the linked post has (or had, in an earlier import): as generators.py
    names the files of a tree."""
    if target is None:
        return ""
    site = source.site.resolve()
    if not target.is_relative_to(site):
        return ""
    return f"{source.flavour}:{source.site.name}/{target.relative_to(site).as_posix()}"
