"""`newsgen import` of RSS 2.0, Atom and JSON Feed files."""

from __future__ import annotations

from pathlib import Path

from import_helpers import FIXTURES, articles, build_all, import_into, new_site, redirect_target

FEEDS = FIXTURES / "feeds"


def test_every_entry_of_every_feed_kind_is_imported_and_builds(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    report = import_into(root, FEEDS / "rss.xml", FEEDS / "atom.xml", FEEDS / "feed.json")
    assert report.skipped == () and report.warnings == ()
    files = articles(root)
    assert sorted(files) == [
        "2024/budget-vote-council-splits-5-4.md",
        "2024/ferry-fares-up-8-from-june.md",
        "2024/q-a-what-the-new-bus-routes-mean.md",
        "2024/snow-returns-passes-closed.md",
        "2024/the-lighthouse-at-150.md",
        "2024/zurich-trams-a-new-timetable.md",
    ]
    assert files["2024/budget-vote-council-splits-5-4.md"].startswith(
        "---\n"
        "title: 'Budget vote: council splits 5\u20134'\n"
        "date: 2024-03-05 18:45:00-05:00\n"  # RFC 822, its offset kept
        "slug: budget-vote-council-splits-5-4\n"
        "authors:\n- Sam Okafor\n"
        "tags:\n- Politics\n- Budget\n"
        "summary: The council passed the budget by one vote.\n"
        "aliases:\n- /news/budget-vote.html\n"
        "extra:\n  imported_from: feed:valley-1001\n"
        "---\n\n"
        "The council passed the budget *by one vote* after a four-hour meeting.\n"
    )
    snow = files["2024/snow-returns-passes-closed.md"]
    assert "title: 'Snow returns: passes closed'\n" in snow  # HTML title made text
    assert "updated: 2024-04-02 10:00:00+02:00\n" in snow
    assert "tags:\n- Weather\n" in snow
    assert "authors:\n- Lena Graf\n- Urs Meier\n" in files["2024/zurich-trams-a-new-timetable.md"]
    bus = files["2024/q-a-what-the-new-bus-routes-mean.md"]
    assert "- Route 4 goes to the hospital.\n- Route 9 ends.\n" in bus
    lighthouse = files["2024/the-lighthouse-at-150.md"]
    assert "authors:\n- Ana Ruiz\n" in lighthouse
    assert lighthouse.endswith("The lighthouse turns 150 this week.\n\nA fair is planned.\n")
    assert "authors:\n- Island Times Staff\n" in files["2024/ferry-fares-up-8-from-june.md"]

    built = build_all(root)
    assert built.warnings == () and built.articles == 6
    site = root / "site"
    assert redirect_target(site, "/news/budget-vote.html") == (
        "/stories/2024/budget-vote-council-splits-5-4/"
    )
    assert redirect_target(site, "/p/ferry-fares/") == "/stories/2024/ferry-fares-up-8-from-june/"


def test_a_feed_is_recognised_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    renamed = tmp_path / "download.txt"
    renamed.write_bytes((FEEDS / "atom.xml").read_bytes())
    report = import_into(root, renamed)
    assert [w.record.title for w in report.written] == [
        "Snow returns: passes closed",
        "Zürich trams: a new timetable",
    ]
