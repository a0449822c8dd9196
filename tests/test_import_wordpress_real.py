"""WordPress as it really exports: https namespaces, classic-editor HTML, code, LaTeX, galleries,
shared GUIDs, passwords, and the small losses (sub/sup, nested bold, duplicate terms).

Each test feeds a minimal export written for it (see `export`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgen.build.run import BuildOptions, build
from newsgen.errors import BuildFailed
from newsgen.importers.summary import summary
from newsgen.importers.wordpress import read_export

from import_helpers import NOW, articles, build_all, import_into, new_site

NAMESPACE = "http://wordpress.org/export/1.2/"


def export(*items: str, namespace: str = NAMESPACE) -> bytes:
    """A WXR file holding `items` (each the inside of an <item>)."""
    body = "".join(f"<item>{item}</item>\n" for item in items)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        f' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{namespace}">\n'
        f"<channel><title>Blog</title>\n{body}</channel></rss>\n"
    ).encode()


def post(
    content: str = "Text.",
    *,
    title: str = "A post",
    post_id: str = "1",
    guid: str | None = None,
    link: str | None = None,
    extra: str = "",
) -> str:
    guid = guid if guid is not None else f"https://blog.example/?p={post_id}"
    link = link if link is not None else f"https://blog.example/2020/01/0{post_id}/post-{post_id}/"
    return (
        f"<title>{title}</title><link>{link}</link><guid>{guid}</guid>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id>"
        "<wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>"
        f"<wp:post_name>post-{post_id}</wp:post_name>"
        f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{extra}"
    )


def attachment(post_id: str, parent: str, order: int, url: str) -> str:
    return (
        f"<title>file {post_id}</title><wp:post_id>{post_id}</wp:post_id>"
        f"<wp:post_parent>{parent}</wp:post_parent><wp:menu_order>{order}</wp:menu_order>"
        f"<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>"
        f"<wp:attachment_url>{url}</wp:attachment_url>"
    )


# 1 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "namespace", ["https://wordpress.org/export/1.2/", "https://wordpress.org/export/1.3/"]
)
def test_an_https_or_newer_wp_namespace_reads_like_the_classic_one(namespace: str) -> None:
    (record,) = read_export(export(post(), namespace=namespace), "x.xml").records
    assert (record.title, record.slug, str(record.date)) == (
        "A post",
        "post-1",
        "2020-01-01 10:00:00+00:00",
    )
    assert read_export(export(post(), namespace=namespace), "x.xml") == read_export(
        export(post()), "x.xml"
    )


def test_an_export_whose_wp_elements_are_not_found_says_so() -> None:
    with pytest.raises(BuildFailed) as caught:
        read_export(export(post(), namespace="http://example.org/not-wp/"), "x.xml")
    assert [str(p) for p in caught.value.problems] == [
        "x.xml:1:1: no WordPress elements (wp:…, namespace wordpress.org/export/) found (it uses "
        "http://example.org/not-wp/, http://purl.org/rss/1.0/modules/content/)\n"
        "hint: export again with Tools → Export"
    ]


# 2 ---------------------------------------------------------------------------------------

CLASSIC = (
    "<strong>Results</strong>\n<h2>By district</h2>\n<table>\n<tr><td>North</td><td>12</td></tr>\n"
    "<tr><td>South</td><td>9</td></tr>\n</table>\nTurnout was low.\nVery low.\n<ul>\n"
    "<li>one</li>\n<li>two</li>\n</ul>\n<blockquote>Quoted\nline</blockquote>"
)


def test_classic_editor_blocks_on_single_newlines_get_no_breaks_beside_them() -> None:
    (record,) = read_export(export(post(CLASSIC)), "x.xml").records
    assert record.body == (
        "**Results**\n\n"
        "## By district\n\n"
        "|  |  |\n| --- | --- |\n| North | 12 |\n| South | 9 |\n\n"
        "Turnout was low.\\\nVery low.\n\n"
        "- one\n- two\n\n"
        "> Quoted\\\n> line\n"
    )


def test_classic_editor_html_builds_into_a_real_table_and_list(tmp_path: Path) -> None:
    source = tmp_path / "x.xml"
    source.write_bytes(export(post(CLASSIC)))
    root = new_site(tmp_path / "site")
    import_into(root, source)
    assert build_all(root).warnings == ()
    page = (root / "site/stories/2020/post-1/index.html").read_text("utf-8")
    assert "<td>North</td>" in page and "<li>one</li>" in page
    assert "\\" not in page.split("<article", 1)[1].split("</article>", 1)[0]


# 3 ---------------------------------------------------------------------------------------


def test_pre_keeps_its_lines_and_blank_lines_in_a_fence() -> None:
    content = "Before.\n\n<pre>def f():\n\n\n    return 1  # two blank lines above\n</pre>\nAfter."
    (record,) = read_export(export(post(content)), "x.xml").records
    assert record.body == (
        "Before.\n\n```\ndef f():\n\n\n    return 1  # two blank lines above\n```\n\nAfter.\n"
    )


def test_code_shortcodes_become_fenced_blocks_with_their_language() -> None:
    content = (
        '[sourcecode language="python"]\nif a &lt; b:\n\n    print("*x*")\n[/sourcecode]\n\n'
        "[code]x = 1\ny = `2`[/code]\n\n"
        "[php]echo $a;[/php]"
    )
    (record,) = read_export(export(post(content)), "x.xml").records
    assert record.body == (
        '```python\nif a < b:\n\n    print("*x*")\n```\n\n'
        "```\nx = 1\ny = `2`\n```\n\n"
        "```php\necho $a;\n```\n"
    )
    assert record.warnings == ()


# 4 ---------------------------------------------------------------------------------------


def test_wordpress_com_latex_becomes_inline_code_and_is_reported() -> None:
    content = "Euler: $latex e^{i\\pi}+1=0&amp;bg=ffffff&amp;s=2$ and $latex a_1 * b_2$."
    (record,) = read_export(export(post(content)), "x.xml").records
    assert record.body == "Euler: `e^{i\\pi}+1=0` and `a_1 * b_2`.\n"
    assert record.warnings == (
        "2 WordPress.com formulas ($latex …$) kept as inline code; newsgen does not render LaTeX",
    )


# 5 ---------------------------------------------------------------------------------------


def test_a_gallery_without_ids_shows_the_posts_attached_images_in_menu_order() -> None:
    items = (
        post('Photos:\n\n[gallery columns="2"]', post_id="10"),
        attachment("12", "10", 2, "https://blog.example/up/second.jpg"),
        attachment("11", "10", 1, "https://blog.example/up/first.jpg"),
        attachment("13", "99", 0, "https://blog.example/up/other-post.jpg"),
        attachment("14", "10", 3, "https://blog.example/up/minutes.pdf"),
    )
    (record,) = read_export(export(*items), "x.xml").records
    assert record.body == (
        "Photos:\n\n![](https://blog.example/up/first.jpg)\n\n"
        "![](https://blog.example/up/second.jpg)\n"
    )
    assert not any("gallery" in w for w in record.warnings)


# 6 ---------------------------------------------------------------------------------------


def test_two_posts_sharing_a_guid_are_both_imported_once_and_the_guid_is_reported(
    tmp_path: Path,
) -> None:
    shared = "https://other.example/?p=7"
    source = tmp_path / "x.xml"
    source.write_bytes(
        export(
            post("One.", title="First", post_id="1", guid=shared),
            post("Two.", title="Second", post_id="2", guid=shared),
        )
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, source)
    assert sorted(articles(root)) == ["2020/post-1.md", "2020/post-2.md"]
    assert [w.message for w in report.warnings if "GUID" in w.message] == [
        f"shares its GUID {shared} with 'First' (line 4); imported as a distinct post"
    ]
    again = import_into(root, source)
    assert again.written == ()
    assert [s.reason for s in again.skipped] == ["already", "already"]


# 7 ---------------------------------------------------------------------------------------


def test_a_password_protected_post_is_a_draft_never_public(tmp_path: Path) -> None:
    source = tmp_path / "x.xml"
    source.write_bytes(export(post("Secret.", extra="<wp:post_password>pw</wp:post_password>")))
    root = new_site(tmp_path / "site")
    report = import_into(root, source)
    assert "\ndraft: true\n" in articles(root)["2020/post-1.md"]
    assert [w.message for w in report.warnings] == [
        "is password-protected in WordPress; imported as a draft so that it is not published "
        "(remove 'draft: true' to publish it to everyone)"
    ]
    public = build(BuildOptions(root=root, jobs=1, now=NOW))
    assert (public.articles, public.drafts) == (0, 1)


# 8 ---------------------------------------------------------------------------------------


def test_only_posts_without_a_pretty_permalink_count_in_the_query_link_warning() -> None:
    items = (post(post_id="1"), post(post_id="2", link="https://blog.example/?p=2"))
    result = read_export(export(*items), "x.xml")
    assert [w.message for w in result.warnings] == [
        "the old links of the form /?p=ID (1 post without a pretty permalink) cannot redirect "
        "from a static site; redirect them on the web server, or keep the permalinks"
    ]


def test_sub_sup_nested_bold_and_a_category_that_is_also_a_tag() -> None:
    content = (
        "H<sub>2</sub>O, E = mc<sup>2</sup>, x<sup>a+b</sup>; "
        "<strong>bold <strong>text</strong>.</strong> <em>it <i>al</i></em>"
    )
    terms = (
        '<category domain="category" nicename="news"><![CDATA[News]]></category>'
        '<category domain="category" nicename="elections"><![CDATA[Elections]]></category>'
        '<category domain="post_tag" nicename="elections"><![CDATA[elections]]></category>'
        '<category domain="post_tag" nicename="news"><![CDATA[news]]></category>'
        '<category domain="post_tag" nicename="turnout"><![CDATA[Turnout]]></category>'
    )
    (record,) = read_export(export(post(content, extra=terms)), "x.xml").records
    assert record.body == "H₂O, E \\= mc², x^(a\\+b); **bold text.** *it al*\n"
    assert record.warnings == ("a superscript (a+b) was written as ^(…)",)
    assert (record.section, record.tags) == ("News", ("Elections", "Turnout"))


# 20 (WordPress) ---------------------------------------------------------------------------


def test_an_impossible_wordpress_date_is_skipped_with_the_reason_not_a_traceback() -> None:
    bad = post().replace("2020-01-01 10:00:00", "2020-02-30 10:00:00")
    result = read_export(export(bad), "x.xml")
    assert result.records == ()
    assert [str(s.where) for s in result.skipped] == [
        "x.xml:4:1: skipped: its post_date_gmt '2020-02-30 10:00:00' is not a date "
        "(give it a date in WordPress and export again)"
    ]


def test_code_with_line_breaks_outside_pre_becomes_a_code_block() -> None:
    content = "Styles:\n<code>.title {\n  margin: 0;\n}</code>\nThat is all."
    (record,) = read_export(export(post(content)), "x.xml").records
    assert record.body == "Styles:\n\n```\n.title {\n  margin: 0;\n}\n```\n\nThat is all.\n"


def test_an_untitled_post_is_titled_with_its_first_words_and_audio_becomes_a_link() -> None:
    content = 'Back from the <em>island</em> at last.\n\n[audio mp3="https://blog.example/a.mp3"]'
    (record,) = read_export(export(post(content, title="")), "x.xml").records
    assert record.title == "Back from the island at last."
    assert record.body == ("Back from the *island* at last.\n\n<https://blog.example/a.mp3>\n")
    assert record.warnings == (
        "has no title; titled with its first words: 'Back from the island at last.'",
        "an embedded audio became a link to https://blog.example/a.mp3",
    )


def test_the_summary_names_the_new_kinds_of_warning(tmp_path: Path) -> None:
    source = tmp_path / "x.xml"
    source.write_bytes(
        export(
            post("$latex x^2$", post_id="1", guid="g"),
            post("Two.", post_id="2", guid="g", extra="<wp:post_password>p</wp:post_password>"),
            post("<p>[Home](/) and <a href='/about/'>about</a></p>", post_id="3", title=""),
        )
    )
    report = import_into(new_site(tmp_path / "site"), source)
    assert summary(report).splitlines()[-1] == (
        "5 warnings: 1 LaTeX formula, 1 dead link, 1 password-protected post, 1 shared GUID, "
        "1 untitled entry"
    )


def test_links_between_posts_point_at_their_new_urls(tmp_path: Path) -> None:
    source = tmp_path / "x.xml"
    source.write_bytes(
        export(
            post(
                '<a href="https://www.blog.example/2020/01/02/post-2/#comments">Two</a>, '
                '<a href="http://blog.example/?p=2">two again</a>, '
                '<a href="https://blog.example/about/">about</a>.',
                post_id="1",
            ),
            post("Second.", post_id="2"),
        )
    )
    root = new_site(tmp_path / "site")
    import_into(root, source)
    assert articles(root)["2020/post-1.md"].endswith(
        "[Two](/stories/2020/post-2/#comments), [two again](/stories/2020/post-2/), "
        "[about](https://blog.example/about/).\n"
    )


def test_a_namespace_name_with_non_ascii_letters_is_read_past_but_not_broken_xml() -> None:
    odd = export(post()).replace(
        b"<rss ",
        '<rss xmlns:u="http://\u00ebx\u00e4mpl\u00eb.com/\u00fcn\u00efc\u00f6d\u00eb/" '.encode(),
    )
    assert [r.title for r in read_export(odd, "x.xml").records] == ["A post"]
    broken = export(post("a]]>b".replace("]]>", "]]]]><![CDATA[>"))).replace(b"]]]]>", b"]]>]]>")
    with pytest.raises(BuildFailed) as caught:
        read_export(broken, "x.xml")
    assert "invalid XML: " in str(caught.value)


def test_an_article_imported_by_guid_alone_is_recognised_unless_the_guid_is_shared(
    tmp_path: Path,
) -> None:
    root = new_site(tmp_path / "site")
    earlier = root / "articles" / "2020" / "earlier.md"
    earlier.parent.mkdir(parents=True)
    earlier.write_text(
        "---\ntitle: Earlier\ndate: 2020-01-01\nextra:\n"
        "  imported_from: wordpress:https://blog.example/?p=1\n---\nText.\n",
        encoding="utf-8",
    )
    source = tmp_path / "x.xml"
    source.write_bytes(export(post(post_id="1", link="https://blog.example/?p=1")))
    report = import_into(root, source)
    assert report.written == ()
    assert [str(s.where.message) for s in report.skipped] == [
        "skipped: already imported as articles/2020/earlier.md"
    ]
    shared = export(
        post(post_id="1", link="https://blog.example/?p=1"),
        post(post_id="2", guid="https://blog.example/?p=1", link="https://blog.example/?p=2"),
    )
    source.write_bytes(shared)
    assert len(import_into(root, source).written) == 2
