"""Feeds as sites really publish them: excerpts with WordPress's credit line, entries without a
title, and enclosures (podcasts, files, more images). Minimal feeds written here."""

from __future__ import annotations

import json
from pathlib import Path

from import_helpers import articles, build_all, import_into, new_site


def rss(*items: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>F</title>'
        "<link>https://f.example/</link><description>d</description>"
        + "".join(f"<item>{i}</item>" for i in items)
        + "</channel></rss>\n"
    )


def test_an_excerpt_loses_the_appeared_first_line_and_is_reported(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        rss(
            "<title>Harbour dredging</title><link>https://f.example/dredging/</link>"
            "<pubDate>Tue, 05 Mar 2024 10:00:00 +0000</pubDate><description><![CDATA["
            "<p>Work starts in May and will close the quay for weeks [&#8230;]</p>"
            '<p>The post <a href="https://f.example/dredging/">Harbour dredging</a> appeared '
            'first on <a href="https://f.example">F</a>.</p>]]></description>'
        ),
        encoding="utf-8",
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, feed)
    assert articles(root)["2024/harbour-dredging.md"].endswith(
        "\n\nWork starts in May and will close the quay for weeks \\[…\\]\n"
    )
    assert [w.message for w in report.warnings] == [
        "the feed holds only an excerpt of this entry; the full text is at "
        "https://f.example/dredging/"
    ]


def test_an_entry_without_a_title_is_titled_with_its_first_words(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        rss(
            "<guid>s1</guid><pubDate>Tue, 05 Mar 2024 10:00:00 +0000</pubDate><description>"
            "Ferry back on time after three days of delays, the operator says today.</description>"
        ),
        encoding="utf-8",
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, feed)
    (text,) = articles(root).values()
    assert text.startswith("---\ntitle: Ferry back on time after three days of delays, the…\n")
    assert [w.message for w in report.warnings] == [
        "has no title; titled with its first words: "
        "'Ferry back on time after three days of delays, the…'"
    ]
    assert build_all(root).warnings == ()


def test_enclosures_and_attachments_become_links_and_are_reported(tmp_path: Path) -> None:
    feed = tmp_path / "podcast.xml"
    feed.write_text(
        rss(
            "<title>Episode 12</title><guid>e12</guid>"
            "<pubDate>Tue, 05 Mar 2024 10:00:00 +0000</pubDate><description>Talk.</description>"
            '<enclosure url="https://f.example/e12.mp3" length="1" type="audio/mpeg"/>'
        ),
        encoding="utf-8",
    )
    json_feed = tmp_path / "feed.json"
    item = {
        "id": "j1",
        "title": "Plans",
        "content_text": "See the plans.",
        "date_published": "2024-03-06T10:00:00Z",
        "image": "https://f.example/lead.jpg",
        "attachments": [{"url": "https://f.example/plans.pdf", "mime_type": "application/pdf"}],
    }
    json_feed.write_text(
        json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [item]}),
        encoding="utf-8",
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, feed, json_feed)
    files = articles(root)
    assert files["2024/episode-12.md"].endswith(
        "\n\nTalk.\n\nAudio: [e12.mp3](https://f.example/e12.mp3)\n"
    )
    assert files["2024/plans.md"].endswith(
        "\n\nSee the plans.\n\nFile: [plans.pdf](https://f.example/plans.pdf)\n"
    )
    assert "image: https://f.example/lead.jpg\n" in files["2024/plans.md"]
    assert [w.message for w in report.warnings] == [
        "the enclosure https://f.example/e12.mp3 (audio/mpeg) became a link at the end",
        "the enclosure https://f.example/plans.pdf (application/pdf) became a link at the end",
    ]
    assert build_all(root).warnings == ()
