"""Other generators as real sites use them: their time zone, links between posts, code blocks,
broken front matter; and old URLs that are pages of the new site. Minimal sites written here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from newsgen.errors import BuildFailed

from conftest import Run
from import_helpers import articles, build_all, import_into, new_site, redirect_target


def tree(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def front(text: str, key: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"{key}: "))


# 10 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "name"),
    [
        (
            {
                "pelicanconf.py": "SITENAME = 'x'\nTIMEZONE = 'America/New_York'\n",
                "content/a.md": "Title: A\nDate: 2024-01-15 09:30\n\nText.\n",
            },
            "a",
        ),
        (
            {
                "_config.yml": "title: x\ntimezone: America/New_York\n",
                "_posts/2024-01-15-a.md": "---\ntitle: A\ndate: 2024-01-15 09:30:00\n---\nText.\n",
            },
            "a",
        ),
        (
            {
                "hugo.toml": 'title = "x"\ntimeZone = "America/New_York"\n',
                "content/posts/a.md": '+++\ntitle = "A"\ndate = 2024-01-15T09:30:00\n+++\nText.\n',
            },
            "a",
        ),
    ],
    ids=["pelican", "jekyll", "hugo"],
)
def test_dates_without_an_offset_are_in_the_old_sites_time_zone(
    tmp_path: Path, files: dict[str, str], name: str
) -> None:
    old = tree(tmp_path / "old", files)
    root = new_site(tmp_path / "site")
    import_into(root, old)
    assert front(articles(root)[f"2024/{name}.md"], "date") == "date: 2024-01-15 09:30:00-05:00"
    assert build_all(root).warnings == ()


def test_a_time_zone_that_is_not_a_name_is_reported_and_the_sites_is_used(
    tmp_path: Path,
) -> None:
    old = tree(
        tmp_path / "old",
        {
            "_config.yml": "timezone: Mars/Olympus\n",
            "_posts/2024-01-15-a.md": "---\ntitle: A\ndate: 2024-01-15 09:30:00\n---\nText.\n",
        },
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, old)
    assert front(articles(root)["2024/a.md"], "date") == "date: 2024-01-15 09:30:00"
    assert [str(w) for w in report.warnings] == [
        f"{old}/_config.yml:1:1: time zone 'Mars/Olympus' is not an IANA name; dates without an "
        "offset are read in the site's time zone"
    ]


# 11 --------------------------------------------------------------------------------------


def test_links_between_posts_point_at_their_new_urls(tmp_path: Path) -> None:
    pelican = tree(
        tmp_path / "pelican",
        {
            "pelicanconf.py": "SITENAME = 'x'\n",
            "content/2024/first.md": "Title: First\nDate: 2024-01-01\n\n"
            "See [the second]({filename}/2024/second.md) and ![map]({static}/images/map.png).\n",
            "content/2024/second.md": "Title: Second\nDate: 2024-01-02\n\n"
            "Back to [the first]({filename}first.md), or [gone]({filename}/nowhere.md).\n",
        },
    )
    jekyll = tree(
        tmp_path / "jekyll",
        {
            "_config.yml": "title: x\n",
            "_posts/2024-02-01-one.md": "---\ntitle: One\n---\n"
            "[Two]({% post_url 2024-02-02-two %}) and "
            "[two again]({% link _posts/2024-02-02-two.md %})\n",
            "_posts/2024-02-02-two.md": "---\ntitle: Two\n---\nText.\n",
        },
    )
    hugo = tree(
        tmp_path / "hugo",
        {
            "hugo.toml": 'title = "x"\n',
            "content/posts/alpha.md": '+++\ntitle = "Alpha"\ndate = 2024-03-01\n+++\n'
            '[Beta]({{< ref "beta.md" >}}), [Beta too]({{< relref "/posts/beta" >}})\n',
            "content/posts/beta.md": '+++\ntitle = "Beta"\ndate = 2024-03-02\n+++\nText.\n',
        },
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, pelican, jekyll, hugo)
    files = articles(root)
    assert files["2024/first.md"].endswith(
        "See [the second](/stories/2024/second/) and ![map](/static/images/map.png).\n"
    )
    assert files["2024/second.md"].endswith(
        "Back to [the first](/stories/2024/first/), or [gone]({filename}/nowhere.md).\n"
    )
    assert files["2024/one.md"].endswith(
        "[Two](/stories/2024/two/) and [two again](/stories/2024/two/)\n"
    )
    assert files["2024/alpha.md"].endswith(
        "[Beta](/stories/2024/beta/), [Beta too](/stories/2024/beta/)\n"
    )
    assert sorted(w.message for w in report.warnings) == [
        "link to content/images/map.png: copy the file to static/images/map.png",
        "{filename}/nowhere.md names no article of this import; left as it was",
    ]
    # Until the file is copied as the import said, the build names the image too.
    assert [w.message for w in build_all(root).warnings] == [
        "the body's image /static/images/map.png is not in static/"
    ]
    (root / "static/images").mkdir(parents=True)
    Image.new("RGB", (4, 3)).save(root / "static/images/map.png")
    assert build_all(root).warnings == ()


def test_a_link_to_a_post_imported_earlier_gets_its_url(tmp_path: Path) -> None:
    old = tree(
        tmp_path / "old",
        {
            "pelicanconf.py": "",
            "content/a.md": "Title: A\nDate: 2024-01-01\n\nText.\n",
        },
    )
    root = new_site(tmp_path / "site")
    import_into(root, old)
    tree(old, {"content/b.md": "Title: B\nDate: 2024-01-02\n\nSee [A]({filename}a.md).\n"})
    import_into(root, old)
    assert articles(root)["2024/b.md"].endswith("See [A](/stories/2024/a/).\n")


# 13 --------------------------------------------------------------------------------------


def test_jekyll_highlight_and_raw_become_a_fence_and_plain_text(tmp_path: Path) -> None:
    old = tree(
        tmp_path / "old",
        {
            "_config.yml": "",
            "_posts/2024-01-01-code.md": "---\ntitle: Code\n---\n"
            "{% highlight ruby linenos %}\ndef f\n\n  {{ x }}\nend\n{% endhighlight %}\n\n"
            "Write {% raw %}{{ page.title }}{% endraw %} in a template.\n",
        },
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, old)
    assert articles(root)["2024/code.md"].endswith(
        "```ruby\ndef f\n\n  {{ x }}\nend\n```\n\nWrite {{ page.title }} in a template.\n"
    )
    assert report.warnings == ()


# 16 --------------------------------------------------------------------------------------


def test_broken_front_matter_in_a_site_is_an_error_at_its_line(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    old = tree(
        tmp_path / "old",
        {
            "hugo.toml": "",
            "content/good.md": '+++\ntitle = "Good"\ndate = 2024-01-01\n+++\nText.\n',
            "content/toml.md": '+++\ntitle = "T"\ndate = 2024-13-01\n+++\nText.\n',
            "content/yaml.md": "---\ntitle: Y\ndate: 2024-01-01\ntags: [a, b\n---\nText.\n",
        },
    )
    root = new_site(tmp_path / "site")
    with pytest.raises(BuildFailed) as caught:
        import_into(root, old)
    problems = [str(p).split("\n")[0] for p in caught.value.problems]
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"{old}/content/toml.md:3:12",
        f"{old}/content/yaml.md:5:1",
    ]
    assert problems[0].startswith(f"{old}/content/toml.md:3:12: invalid TOML front matter: ")
    result = run_cli("import", "-s", str(root), str(old))
    assert result.code == 1
    assert result.err.endswith("error: import failed with 2 problems; nothing was written\n")
    assert not (root / "articles").exists()


# 9 ---------------------------------------------------------------------------------------


def test_an_old_url_that_is_a_page_of_the_new_site_gets_no_redirect(tmp_path: Path) -> None:
    old = tree(
        tmp_path / "old",
        {
            "_config.yml": "",
            "_posts/2024-01-01-tags.md": "---\ntitle: Tags\npermalink: /tags/\n---\nText.\n",
            "_posts/2024-01-02-feed.md": "---\ntitle: Feed\nredirect_from: [/feed.xml, /2024/, "
            "/old/feed/]\n---\nText.\n",
        },
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, old)
    assert "aliases" not in articles(root)["2024/tags.md"]
    assert "aliases:\n- /old/feed/\n" in articles(root)["2024/feed.md"]
    assert [w.message for w in report.warnings] == [
        "old URL /tags/ is a page newsgen makes itself (a listing, feed or built-in page); "
        "no redirect",
        "old URL /feed.xml is a page newsgen makes itself (a listing, feed or built-in page); "
        "no redirect",
        "old URL /2024/ is a page newsgen makes itself (a listing, feed or built-in page); "
        "no redirect",
    ]
    assert build_all(root).warnings == ()
    assert redirect_target(root / "site", "/old/feed/") == "/stories/2024/feed/"


# 15 --------------------------------------------------------------------------------------


def test_pelicans_own_sample_layout_and_rst_articles_are_imported(tmp_path: Path) -> None:
    old = tree(
        tmp_path / "old",
        {
            "pelican.conf.py": "SITENAME = 'x'\nTIMEZONE = 'Europe/Paris'\n",
            "content/cat1/story.rst": "Big story\n#########\n\n:date: 2010-12-02 10:14\n"
            ":tags: foo, bar\n:author: Alexis\n\nSome *content* here.\n\n"
            ".. code-block:: python\n   :linenos: table\n\n   x = 1\n\n\n   y = 2\n\n"
            ".. include:: /etc/hostname\n",
        },
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, old)
    assert articles(root)["2010/big-story.md"] == (
        "---\ntitle: Big story\ndate: 2010-12-02 10:14:00+01:00\nslug: big-story\n"
        "authors:\n- Alexis\nsection: cat1\ntags:\n- foo\n- bar\n"
        "aliases:\n- /big-story.html\n"
        "extra:\n  imported_from: pelican:old/content/cat1/story.rst\n---\n\n"
        "Some *content* here.\n\n```python\nx = 1\n\n\ny = 2\n```\n"
    )
    assert [w.message for w in report.warnings] == [
        'reStructuredText: (WARNING/2) "include" directive disabled.'
    ]
    assert build_all(root).warnings == ()


# 12 --------------------------------------------------------------------------------------


def test_old_urls_follow_collections_translations_and_relative_aliases(tmp_path: Path) -> None:
    jekyll = tree(
        tmp_path / "jekyll",
        {
            "_config.yml": "permalink: date\ncollections:\n  posts:\n    permalink: /news/:slug/\n",
            "_posts/2024-01-01-vote.md": "---\ntitle: Vote\ncategories: [local]\n---\nText.\n",
        },
    )
    hugo = tree(
        tmp_path / "hugo",
        {
            "hugo.toml": 'defaultContentLanguage = "en"\n[permalinks]\n[permalinks.page]\n'
            'posts = "/:year/:month/:slug/"\n',
            "content/posts/bridge.md": '+++\ntitle = "Bridge"\ndate = 2024-02-03T10:00:00Z\n'
            'aliases = ["old-bridge/", "/very/old/bridge/"]\n+++\nText.\n',
            "content/posts/bridge.fr.md": '+++\ntitle = "Pont"\ndate = 2024-02-03T10:00:00Z\n'
            "+++\nTexte.\n",
            "content/notes/tide.md": '+++\ntitle = "Tide"\ndate = 2024-02-04T10:00:00Z\n+++\nT.\n',
        },
    )
    pelican = tree(
        tmp_path / "pelican",
        {
            "pelicanconf.py": "ARTICLE_URL = '{date:%Y}/{slug}.html'\n"
            "ARTICLE_LANG_URL = '{lang}/{slug}.html'\n",
            "content/fire.md": "Title: Fire\nDate: 2024-03-01\nSlug: fire\n\nText.\n",
            "content/fire-de.md": "Title: Feuer\nDate: 2024-03-01\nSlug: fire\nLang: de\n\nT.\n",
        },
    )
    root = new_site(tmp_path / "site")
    import_into(root, jekyll, hugo, pelican)

    def aliases(name: str) -> list[str]:
        text = articles(root)[name].split("aliases:\n", 1)[1].split("extra:", 1)[0]
        return [line[2:] for line in text.splitlines()]

    assert aliases("2024/vote.md") == ["/news/vote/"]
    assert aliases("2024/bridge.md") == [
        "/posts/old-bridge/",
        "/very/old/bridge/",
        "/2024/02/bridge/",
    ]
    assert aliases("2024/bridge-fr.md") == ["/fr/2024/02/bridge/"]
    assert aliases("2024/tide.md") == ["/notes/tide/"]
    assert aliases("2024/fire.md") == ["/2024/fire.html"]
    assert aliases("2024/fire-de.md") == ["/de/fire.html"]
    assert build_all(root).warnings == ()


def test_template_tags_inside_raw_are_text_not_reported(tmp_path: Path) -> None:
    old = tree(
        tmp_path / "old",
        {
            "_config.yml": "",
            "_posts/2024-01-01-tags.md": "---\ntitle: Tags\n---\n"
            "Use `{% raw %}{% highlight %}{% endraw %}` or {% include x.html %}.\n",
        },
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, old)
    assert articles(root)["2024/tags.md"].endswith(
        "Use `{% highlight %}` or {% include x.html %}.\n"
    )
    assert [w.message for w in report.warnings] == [
        "template tag '{% include x.html %}' left as text"
    ]


def test_links_to_old_pages_that_were_not_imported_are_reported(tmp_path: Path) -> None:
    old = tree(
        tmp_path / "old",
        {
            "pelicanconf.py": "",
            "content/a.md": "Title: A\nDate: 2024-01-01\n\nText.\n",
            "content/b.md": "Title: B\nDate: 2024-01-02\n\n[A](/a.html), [home](/), "
            "[tags](/tags/), [about](/pages/about.html), [team](/team/#x).\n",
        },
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, old)
    assert [w.message for w in report.warnings] == [
        "links to 2 pages that the new site does not have (pages of the old site not "
        "imported): /pages/about.html, /team/"
    ]


def test_closing_html_tags_in_a_body_are_not_links(tmp_path: Path) -> None:
    old = tree(
        tmp_path / "old",
        {
            "hugo.toml": "",
            "content/posts/a.md": '+++\ntitle = "A"\ndate = 2024-01-01\n+++\n'
            "<p>Some <code>code</code> and <span>text</span>.</p>\n",
        },
    )
    root = new_site(tmp_path / "site")
    assert import_into(root, old).warnings == ()


def test_hugo_media_shortcodes_become_images_and_links(tmp_path: Path) -> None:
    old = tree(
        tmp_path / "old",
        {
            "hugo.toml": "",
            "content/posts/media.md": '+++\ntitle = "Media"\ndate = 2024-01-01\n+++\n'
            '{{< figure src="https://img.example/levee.jpg" alt="Levee" caption="The levee" >}}\n\n'
            "{{< youtube ZJthWmvUzzc >}}\n\n{{< gist spf13 7896402 >}}\n\n"
            '{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}\n',
        },
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, old)
    assert articles(root)["2024/media.md"].endswith(
        "\n\n![Levee](https://img.example/levee.jpg)\n\n_The levee_\n\n"
        "<https://www.youtube.com/watch?v=ZJthWmvUzzc>\n\n"
        "<https://gist.github.com/spf13/7896402>\n\n"
        "<https://twitter.com/SanDiegoZoo/status/1453110110599868418>\n"
    )
    assert [w.message for w in report.warnings] == [
        "Hugo shortcode youtube became a link to https://www.youtube.com/watch?v=ZJthWmvUzzc",
        "Hugo shortcode gist became a link to https://gist.github.com/spf13/7896402",
        "Hugo shortcode tweet became a link to "
        "https://twitter.com/SanDiegoZoo/status/1453110110599868418",
    ]
    assert build_all(root).warnings == ()


def test_old_urls_that_differ_only_in_case_get_one_redirect(tmp_path: Path) -> None:
    old = tree(
        tmp_path / "old",
        {
            "_config.yml": "",
            "_posts/2024-01-01-a.md": "---\ntitle: A\nredirect_from: [/Old/Story/]\n---\nA.\n",
            "_posts/2024-01-02-b.md": "---\ntitle: B\nredirect_from: [/old/story/]\n---\nB.\n",
        },
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, old)
    assert "/old/story/" not in articles(root)["2024/b.md"]
    assert [w.message for w in report.warnings] == [
        "old URL /old/story/ is already a page of the site; no redirect"
    ]
    assert build_all(root).warnings == ()


def test_terms_that_are_neither_text_nor_a_list_are_reported(tmp_path: Path) -> None:
    old = tree(
        tmp_path / "old",
        {
            "_config.yml": "",
            "_posts/2024-01-01-a.md": "---\ntitle: A\ntags: {a: 1}\nauthor: 5\n---\nA.\n",
        },
    )
    report = import_into(new_site(tmp_path / "site"), old)
    assert [w.message for w in report.warnings] == [
        "authors 5 is neither text nor a list; not carried over",
        "tags {'a': 1} is neither text nor a list; not carried over",
    ]


def test_hugo_content_folders_per_language_give_each_its_language(tmp_path: Path) -> None:
    old = tree(
        tmp_path / "hugo",
        {
            "hugo.toml": 'defaultContentLanguage = "en"\n'
            '[languages.en]\ncontentDir = "content/en"\n'
            '[languages.de]\ncontentDir = "content/de"\n',
            "content/en/posts/fire.md": '+++\ntitle = "Fire"\ndate = 2024-03-01\n+++\nText.\n',
            "content/de/posts/fire.md": '+++\ntitle = "Feuer"\ndate = 2024-03-01\n+++\nText.\n',
        },
    )
    root = new_site(tmp_path / "site")
    import_into(root, old)
    files = articles(root)
    assert sorted(files) == ["2024/fire-de.md", "2024/fire.md"]
    assert "aliases:\n- /posts/fire/\n" in files["2024/fire.md"]
    assert "aliases:\n- /de/posts/fire/\n" in files["2024/fire-de.md"]
    assert build_all(root).warnings == ()
