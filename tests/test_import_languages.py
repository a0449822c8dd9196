"""Import keeps languages where the source has them: Hugo's multilingual content (contentDir
per language, name.fr.md, translationKey), WordPress with Polylang's language taxonomy or WPML's
Export and Import fields. Into a site without those languages, as before: one article each."""

from __future__ import annotations

from pathlib import Path

from import_helpers import SITE_CONFIG, articles, build_all, import_into, new_site

BILINGUAL = SITE_CONFIG + "languages:\n  - code: en\n  - code: fr-CA\n"


def tree(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


# A real bilingual Hugo site: the Canadian Digital Service's (github.com/cds-snc/
# digital-canada-ca, config.yaml at 96b9cd0, the two posts at 078f775 and 02503df), its config's
# language part and the two posts' front matter as they are (\u2019 written as such), their
# bodies cut to a paragraph.
CDS = {
    "config.yaml": (
        "DefaultContentLanguage: en\n"
        "defaultContentLanguageInSubdir: true\n"
        "languages:\n"
        "  en:\n"
        "    baseUrl: https://digital.canada.ca/\n"
        "    contentDir: content/en\n"
        "    lang: en\n"
        "    languageName: English\n"
        "    title: Blog\n"
        "    weight: 1\n"
        "  fr:\n"
        "    baseUrl: https://numerique.canada.ca/\n"
        "    contentDir: content/fr\n"
        "    lang: fr\n"
        "    languageName: Francais\n"
        "    title: Blogue\n"
        "    weight: 2\n"
    ),
    "content/en/blog/posts/hello-world-canada.md": (
        "---\n"
        "title: 'Hello, <strike>World</strike> Canada'\n"
        "description: >-\n"
        "  CDS is just over one year old, and having had the ~~honor~~ honour of serving\n"
        "  with this team for six months now, I\u2019m well overdue to write a few words here.\n"
        "author: 'Aaron Snow, Chief Executive Officer'\n"
        "date: '2018-10-19 09:00:00 -0400'\n"
        "image: /img/cds/blog-hello-world-canada.jpg\n"
        "image-alt: Red maple leaves.\n"
        "translationKey: hello-world-canada\n"
        "thumb: /img/cds/thumbnails/blog-hello-world-canada.jpg\n"
        "processed: 1550672961708\n"
        "---\n\n"
        "Hello! CDS is just over one year old, and having had the ~~honor~~ honour of serving "
        "with this team for six months now, I\u2019m well overdue to write a few words here.\n"
    ),
    "content/fr/blog/posts/bonjour-le-monde-canada.md": (
        "---\n"
        "title: 'Bonjour, <strike>le Monde</strike> Canada'\n"
        "description: >-\n"
        "  Le Service numérique canadien a un peu plus d\u2019un an.\n"
        "author: 'Aaron Snow, Dirigeant principal'\n"
        "date: '2018-10-19 09:00:00 -0400'\n"
        "image: https://de2an9clyit2x.cloudfront.net/blog_hello_world_canada_548cf9565c.jpg\n"
        "image-alt: Des feuilles d\u2019érable rouge.\n"
        "translationKey: hello-world-canada\n"
        "thumb: https://de2an9clyit2x.cloudfront.net/small_blog_hello_world_canada_548cf9565c.jpg\n"
        "processed: 1550672961801\n"
        "---\n\n"
        "Bonjour! Le Service numérique canadien a un peu plus d\u2019un an, et comme j\u2019ai eu "
        "l\u2019honneur de faire partie de cette équipe depuis maintenant six mois, il est grand "
        "temps que j\u2019écrive quelques mots ici.\n"
    ),
}


def test_a_real_bilingual_hugo_site_keeps_its_languages_and_translation_key(
    tmp_path: Path,
) -> None:
    old = tree(tmp_path / "hugo", CDS)
    root = new_site(tmp_path / "site", BILINGUAL)
    report = import_into(root, old)
    files = articles(root)
    assert sorted(files) == ["2018/hello-world-canada.md", "fr-ca/2018/bonjour-le-monde-canada.md"]
    english, french = (
        files["2018/hello-world-canada.md"],
        files["fr-ca/2018/bonjour-le-monde-canada.md"],
    )
    assert "translation_key: hello-world-canada\n" in english
    assert "language:" not in english  # the default language goes without saying
    assert "language: fr-CA\ntranslation_key: hello-world-canada\n" in french
    # translationKey is carried over, never reported as a key left behind.
    assert not any("translationKey" in w.message for w in report.warnings)
    built = build_all(root)
    # The real bylines hold a title after a comma, which the build points out; nothing else.
    assert {(w.path, w.message.split(",")[0]) for w in built.warnings} == {
        ("articles/2018/hello-world-canada.md", "'authors' has 'Aaron Snow"),
        ("articles/fr-ca/2018/bonjour-le-monde-canada.md", "'authors' has 'Aaron Snow"),
    }
    page = (root / "site/fr-ca/stories/2018/bonjour-le-monde-canada/index.html").read_text("utf-8")
    assert (
        '<link rel="alternate" hreflang="en" '
        'href="https://imported.example.org/stories/2018/hello-world-canada/">'
    ) in page


def test_hugo_translations_by_file_name_are_linked_by_their_path(tmp_path: Path) -> None:
    old = tree(
        tmp_path / "hugo",
        {
            "hugo.toml": 'defaultContentLanguage = "en"\n[languages.en]\n[languages.fr]\n',
            "content/posts/bridge.md": '+++\ntitle = "Bridge"\ndate = 2024-02-03\n+++\nT.\n',
            "content/posts/bridge.fr.md": '+++\ntitle = "Pont"\ndate = 2024-02-03\n+++\nT.\n',
            "content/posts/quay.de.md": '+++\ntitle = "Kai"\ndate = 2024-02-04\n+++\nT.\n',
        },
    )
    root = new_site(tmp_path / "site", BILINGUAL)
    report = import_into(root, old)
    files = articles(root)
    # 'fr' is the site's fr-CA, its only French; German it lacks: an English-site article.
    assert sorted(files) == ["2024/bridge.md", "2024/quay-de.md", "fr-ca/2024/bridge.md"]
    assert "translation_key: posts/bridge\n" in files["2024/bridge.md"]
    assert "language: fr-CA\ntranslation_key: posts/bridge\n" in files["fr-ca/2024/bridge.md"]
    assert "language" not in files["2024/quay-de.md"]
    assert [w.message for w in report.warnings if "language" in w.message] == [
        "its language 'de' is not among the site's languages (en, fr-CA); imported in en as "
        "'quay-de'"
    ]
    assert build_all(root).warnings == ()


WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Port</title><link>https://port.example</link><wp:wxr_version>1.2</wp:wxr_version>
{items}
</channel></rss>
"""


def _item(post_id: int, slug: str, title: str, extra: str) -> str:
    return f"""<item><title>{title}</title><link>https://port.example/{slug}/</link>
<dc:creator><![CDATA[ana]]></dc:creator><guid isPermaLink="false">https://port.example/?p={post_id}</guid>
<content:encoded><![CDATA[<p>{title}.</p>]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id>
<wp:post_date_gmt><![CDATA[2024-05-0{post_id} 10:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[{slug}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
{extra}</item>"""


def test_wordpress_polylang_and_wpml_languages_and_groups(tmp_path: Path) -> None:
    items = [
        # Polylang: the language and the translation group are taxonomies.
        _item(1, "ferry", "Ferry", '<category domain="language" nicename="en"><![CDATA[English]]>'
              '</category><category domain="post_translations" nicename="pll_5f1a">'
              "<![CDATA[pll_5f1a]]></category>"),
        _item(2, "traversier", "Traversier", '<category domain="language" nicename="fr">'
              '<![CDATA[Français]]></category><category domain="post_translations" '
              'nicename="pll_5f1a"><![CDATA[pll_5f1a]]></category>'),
        # WPML's Export and Import: custom fields.
        _item(3, "glace", "Glace", "<wp:postmeta><wp:meta_key>_wpml_import_language_code"
              "</wp:meta_key><wp:meta_value><![CDATA[fr]]></wp:meta_value></wp:postmeta>"
              "<wp:postmeta><wp:meta_key>_wpml_import_translation_group</wp:meta_key>"
              "<wp:meta_value><![CDATA[42]]></wp:meta_value></wp:postmeta>"),
    ]  # fmt: skip
    export = tmp_path / "export.xml"
    export.write_text(WXR.format(items="\n".join(items)), encoding="utf-8")
    root = new_site(tmp_path / "site", BILINGUAL)
    import_into(root, export)
    files = articles(root)
    assert sorted(files) == ["2024/ferry.md", "fr-ca/2024/glace.md", "fr-ca/2024/traversier.md"]
    assert "translation_key: pll_5f1a\n" in files["2024/ferry.md"]
    assert "language: fr-CA\ntranslation_key: pll_5f1a\n" in files["fr-ca/2024/traversier.md"]
    assert "language: fr-CA\ntranslation_key: '42'\n" in files["fr-ca/2024/glace.md"]
    assert build_all(root).warnings == ()
    # The same export into a site in one language: every post as before, no language kept.
    plain = new_site(tmp_path / "plain")
    import_into(plain, export)
    assert sorted(articles(plain)) == ["2024/ferry.md", "2024/glace.md", "2024/traversier.md"]
    assert not any("language" in text for text in articles(plain).values())
