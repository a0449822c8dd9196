"""`newsgen import` of a WordPress export: statuses, mapping, shortcodes, what is skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgen.errors import BuildFailed
from newsgen.importers.run import ImportReport
from newsgen.importers.summary import details, summary
from newsgen.importers.wordpress import read_export

from import_helpers import FIXTURES, articles, build_all, import_into, new_site, redirect_target

EXPORT = FIXTURES / "wordpress" / "export.xml"


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Path, ImportReport]:
    root = new_site(tmp_path / "site")
    return root, import_into(root, EXPORT)


def test_posts_of_every_status_are_imported_with_their_metadata(
    imported: tuple[Path, ImportReport],
) -> None:
    root, _report = imported
    files = articles(root)
    assert sorted(files) == [
        "2024/cafe-owners-toll.md",
        "2024/draft-harbour-budget.md",
        "2024/ferry-strike.md",
        "2024/lighthouse-repairs.md",
        "2024/staff-rota.md",
        "2030/summer-timetable.md",
    ]
    ferry = files["2024/ferry-strike.md"]
    assert ferry.startswith(
        "---\n"
        "title: 'Ferry strike: what we know so far'\n"
        "date: 2024-03-14 09:30:00+00:00\n"
        "slug: ferry-strike\n"
        "authors:\n- María López\n"
        "section: Local\n"
        "tags:\n- Transport\n- Strikes\n- Ferries\n"
        "summary: Crews walked out at dawn; hundreds stranded.\n"
        "image: https://herald.example.com/wp-content/uploads/2024/03/quay.jpg\n"
        "aliases:\n- /2024/03/14/ferry-strike/\n"
        "extra:\n  imported_from: wordpress:https://herald.example.com/?p=101#101\n"
        "---\n"
    )
    cafe = files["2024/cafe-owners-toll.md"]
    assert "title: Café owners in Ærøskøbing say «no» to the new toll\n" in cafe
    assert "section:" not in cafe  # "Uncategorized" is no section
    assert "> “We will not pay,” said one." in cafe
    for draft in ("draft-harbour-budget", "lighthouse-repairs", "staff-rota"):
        assert "\ndraft: true\n" in files[f"2024/{draft}.md"]
    assert "draft" not in files["2030/summer-timetable.md"]
    assert "date: 2030-06-01 06:00:00+00:00\n" in files["2030/summer-timetable.md"]
    # A draft without a GMT date keeps its local time, read in the site's time zone.
    assert "date: 2024-03-16 10:00:00\n" in files["2024/draft-harbour-budget.md"]


def test_paragraph_rules_and_shortcodes_give_markdown_that_displays(
    imported: tuple[Path, ImportReport],
) -> None:
    root, _report = imported
    body = articles(root)["2024/ferry-strike.md"].split("---\n", 2)[2]
    assert body == (
        "\n"
        "Ferry crews walked out at dawn on Thursday, leaving **hundreds** of travellers "
        "stranded.\\\nThe union said talks had failed.\n\n"
        "![The empty quay](https://herald.example.com/wp-content/uploads/2024/03/quay.jpg)\n\n"
        "_The quay at 7 a.m._\n\n"
        'The next sailing is "uncertain", the operator said: 1\\. no ferries; 2\\. no refunds.\n\n'
        "<https://www.youtube.com/watch?v=abc123>\n\n"
        "<https://maps.example.org/embed?harbour>\n\n"
        "![](https://herald.example.com/wp-content/uploads/2024/03/quay.jpg)\n\n"
        "![](https://herald.example.com/wp-content/uploads/2024/03/crowd.jpg)\n\n"
        '\\[contact-form-7 id\\="9" title\\="Tips"\\]\n'
    )


def test_the_summary_counts_what_was_skipped_and_warned(
    imported: tuple[Path, ImportReport],
) -> None:
    _root, report = imported
    assert summary(report) == (
        "Imported 6 articles (3 drafts)\n"
        "Added 2 author profiles to authors.yaml\n"
        "Skipped 7: 2 attachments, 2 comments, 1 nav menu item, 1 page, 1 trash post\n"
        "6 warnings: 1 embed, 1 iframe, 1 old URL without redirect, 2 remote images, "
        "1 shortcode"
    )
    assert details(report) == [
        f"{EXPORT}:143:1: skipped: a post in the trash ('Trashed post')",
        f"{EXPORT}:154:1: skipped: a page 'About us'",
    ]
    assert [str(w) for w in report.warnings] == [
        f"{EXPORT}:1:1: the old links of the form /?p=ID (3 posts without a pretty permalink) "
        "cannot redirect from a static site; redirect them on the web server, or keep the "
        "permalinks",
        f"{EXPORT}:22:1: shortcode [contact-form-7] is not supported; left as text",
        f"{EXPORT}:22:1: remote image "
        "https://herald.example.com/wp-content/uploads/2024/03/quay.jpg "
        "(copy it into static/ to keep it)",
        f"{EXPORT}:22:1: an embed became a link to https://www.youtube.com/watch?v=abc123",
        f"{EXPORT}:22:1: an iframe became a link to https://maps.example.org/embed?harbour",
        f"{EXPORT}:22:1: remote image "
        "https://herald.example.com/wp-content/uploads/2024/03/crowd.jpg "
        "(copy it into static/ to keep it)",
    ]


def test_the_import_builds_cleanly_and_old_permalinks_redirect(
    imported: tuple[Path, ImportReport],
) -> None:
    root, _report = imported
    built = build_all(root)
    assert built.warnings == ()
    assert built.articles == 6
    site = root / "site"
    assert redirect_target(site, "/2024/03/14/ferry-strike/") == "/stories/2024/ferry-strike/"
    assert redirect_target(site, "/2024/03/15/cafe-owners-toll/") == (
        "/stories/2024/cafe-owners-toll/"
    )
    page = (site / "stories/2024/ferry-strike/index.html").read_text("utf-8")
    assert '<a href="https://www.youtube.com/watch?v=abc123">' in page
    for raw in ("&lt;figure", "&lt;iframe", "&lt;img", "[caption", "[gallery", "[embed"):
        assert raw not in page  # no HTML shown as text, no shortcode left


def test_broken_xml_is_reported_at_its_position(tmp_path: Path) -> None:
    broken = b'<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>'
    with pytest.raises(BuildFailed) as caught:
        read_export(broken, "export.xml")
    assert [str(p) for p in caught.value.problems] == [
        "export.xml:3:10: invalid XML: Premature end of data in tag channel line 3, line 3, "
        "column 10"
    ]


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_older_export_versions_read_the_same(version: str) -> None:
    current = EXPORT.read_bytes()
    older = current.replace(
        b"wordpress.org/export/1.2/", f"wordpress.org/export/{version}/".encode()
    )
    assert read_export(older, "x.xml") == read_export(current, "x.xml")


BLOCK_EDITOR_EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><item><title>Blocks</title><guid>https://b.example/?p=1</guid>
<content:encoded><![CDATA[<!-- wp:paragraph -->
<p>First, a <a href="/x">link</a>.</p>
<!-- /wp:paragraph -->

<!-- wp:image {"id":5} -->
<figure class="wp-block-image"><img src="/up/a.jpg" alt="A"/><figcaption>Cap</figcaption></figure>
<!-- /wp:image -->

<!-- wp:embed {"url":"https://video.example/v/1"} -->
<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">
https://video.example/v/1
</div></figure>
<!-- /wp:embed -->]]></content:encoded>
<wp:post_date_gmt>2024-01-01 10:00:00</wp:post_date_gmt><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type></item></channel></rss>"""


def test_block_editor_content_keeps_its_paragraphs_images_and_embeds() -> None:
    (record,) = read_export(BLOCK_EDITOR_EXPORT, "blocks.xml").records
    assert record.body == (
        "First, a [link](/x).\n\n![A](/up/a.jpg)\n\n_Cap_\n\n<https://video.example/v/1>\n"
    )
    assert record.warnings == ("an embed became a link to https://video.example/v/1",)
