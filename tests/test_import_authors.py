"""`newsgen import` fills authors.yaml from what the source says of its authors: WordPress
wp:author, Jekyll's _data/authors.yml, Hugo's data/authors/; never over an existing entry."""

from __future__ import annotations

import shutil
from pathlib import Path

from newsgen.content.authors import parse_profiles

from import_helpers import FIXTURES, articles, build_all, import_into, new_site

EXPORT = """\
<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Herald</title>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>mlopez</wp:author_login>\
<wp:author_display_name>María López</wp:author_display_name>\
<wp:author_description>María covers the port. She has done so since 2010.</wp:author_description>\
</wp:author>
<wp:author><wp:author_login>jbrown</wp:author_login>\
<wp:author_display_name>Jo Brown</wp:author_display_name></wp:author>
<wp:author><wp:author_login>idle</wp:author_login>\
<wp:author_display_name>Never Wrote</wp:author_display_name></wp:author>
<item><title>Ferry strike</title><dc:creator>mlopez</dc:creator>
<wp:post_id>1</wp:post_id><wp:post_date_gmt>2024-03-14 09:30:00</wp:post_date_gmt>
<wp:post_name>ferry-strike</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><content:encoded>Crews walked out.</content:encoded></item>
<item><title>Harbour budget</title><dc:creator>jbrown</dc:creator>
<wp:post_id>2</wp:post_id><wp:post_date_gmt>2024-03-15 09:30:00</wp:post_date_gmt>
<wp:post_name>budget</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><content:encoded>The budget.</content:encoded></item>
</channel>
</rss>
"""


def test_wordpress_authors_fill_authors_yaml_without_overwriting(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    existing = "# Our people\nJo Brown:\n  role: Night editor\n"
    (root / "authors.yaml").write_text(existing, encoding="utf-8")
    export = tmp_path / "export.xml"
    export.write_text(EXPORT, encoding="utf-8")
    report = import_into(root, export)
    assert report.profiles == ("María López",)
    text = (root / "authors.yaml").read_text(encoding="utf-8")
    assert text == (
        existing + "María López:\n  bio: María covers the port. She has done so since 2010.\n"
    )
    # A second import finds every byline already there, and writes nothing.
    assert import_into(root, export).profiles == ()
    assert (root / "authors.yaml").read_text(encoding="utf-8") == text
    built = build_all(root)
    assert [w for w in built.warnings if w.path == "authors.yaml"] == []
    page = (root / "site/authors/maria-lopez/index.html").read_text(encoding="utf-8")
    assert "María covers the port." in page


def test_a_dry_run_names_the_profiles_and_writes_none(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    export = tmp_path / "export.xml"
    export.write_text(EXPORT, encoding="utf-8")
    report = import_into(root, export, dry_run=True)
    assert report.profiles == ("María López", "Jo Brown")
    assert not (root / "authors.yaml").exists()


def test_jekyll_author_data_gives_bylines_their_names_and_profiles(tmp_path: Path) -> None:
    source = tmp_path / "jekyll"
    shutil.copytree(FIXTURES / "jekyll", source)
    post = source / "_posts/2023-11-02-regatta-results.md"
    post.write_text(post.read_text().replace("author: Ines Costa", "author: ines"))
    (source / "_data").mkdir()
    (source / "_data/authors.yml").write_text(
        "ines:\n  name: Ines Costa\n  bio: Sailing and rowing.\n  picture: /img/ines.jpg\n"
        "  twitter: inescosta\n  mastodon: https://mastodon.social/@ines\n"
    )
    root = new_site(tmp_path / "site")
    report = import_into(root, source)
    assert report.profiles == ("Ines Costa",)
    regatta = next(text for name, text in articles(root).items() if "regatta" in name)
    assert "authors:\n- Ines Costa\n" in regatta
    (profile,) = parse_profiles((root / "authors.yaml").read_text(), root / "static")
    assert (profile.name, profile.bio_line, profile.image, profile.links) == (
        "Ines Costa",
        "Sailing and rowing.",
        "/img/ines.jpg",
        ("https://x.com/inescosta", "https://mastodon.social/@ines"),
    )


def test_hugo_author_data_files_are_read_one_per_person(tmp_path: Path) -> None:
    source = tmp_path / "hugo"
    shutil.copytree(FIXTURES / "hugo", source)
    (source / "data/authors").mkdir(parents=True)
    (source / "data/authors/Kai Berger.toml").write_text(
        'bio = "Weather and rivers."\nwebsite = "https://kai.example"\ngithub = "kaib"\n'
    )
    root = new_site(tmp_path / "site")
    assert import_into(root, source).profiles == ("Kai Berger",)
    assert (root / "authors.yaml").read_text() == (
        "Kai Berger:\n  bio: Weather and rivers.\n  url: https://kai.example\n  links:\n"
        "  - https://github.com/kaib\n"
    )
