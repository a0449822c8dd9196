"""The closing report of `newsgen import`: what was imported, skipped and why, and warnings.

Pure text from an ImportReport; cli.py prints it.
"""

from __future__ import annotations

from collections import Counter

from newsgen.importers.run import ImportReport

# Skipped as a matter of course; counted, not listed one by one.
ROUTINE = ("attachment", "nav menu item", "comment")
# Warning kinds, by a phrase their messages contain, in the order the summary lists them.
_WARNING_KINDS = (
    ("that the new site does not have", "dead link"),
    ("names no article", "unresolved link"),
    ("copy the file to static", "static file"),
    ("only an excerpt", "excerpt"),
    ("has no title", "untitled entry"),
    ("password-protected", "password-protected post"),
    ("shares its GUID", "shared GUID"),
    ("($latex", "LaTeX formula"),
    ("enclosure", "enclosure"),
    ("control character", "control character"),
    ("invalid UTF-8", "encoding problem"),
    ("time zone", "time zone"),
    ("reStructuredText", "reStructuredText message"),
    ("script (", "superscript or subscript"),
    ("dropped the image", "unsafe image"),
    ("dropped 'updated'", "out-of-range date"),
    ("remote image", "remote image"),
    ("shortcode", "shortcode"),
    ("iframe", "iframe"),
    ("embed", "embed"),
    ("no date", "missing date"),
    ("cannot redirect", "old URL without redirect"),
    ("old URL", "old URL"),
    ("slug", "slug clash"),
    ("not carried over", "unmapped key"),
    ("template tag", "template tag"),
)


def details(report: ImportReport) -> list[str]:
    """One line per skipped item worth naming (not each attachment or comment)."""
    return [str(s.where) for s in report.skipped if s.reason not in ROUTINE]


def summary(report: ImportReport) -> str:
    written = len(report.written)
    drafts = sum(1 for w in report.written if w.record.draft)
    verb = "Would import" if report.dry_run else "Imported"
    first = f"{verb} {_count(written, 'article')}"
    if drafts:
        first += f" ({_count(drafts, 'draft')})"
    if report.dry_run:
        first += "; nothing was written (--dry-run)"
    lines = [first]
    if report.profiles:
        verb = "Would add" if report.dry_run else "Added"
        lines.append(f"{verb} {_count(len(report.profiles), 'author profile')} to authors.yaml")
    if report.skipped:
        reasons = Counter(s.reason for s in report.skipped)
        parts = ", ".join(f"{n} {_reason(r, n)}" for r, n in sorted(reasons.items()))
        lines.append(f"Skipped {len(report.skipped)}: {parts}")
    if report.warnings:
        kinds: Counter[str] = Counter()
        for warning in report.warnings:
            kind = next((k for phrase, k in _WARNING_KINDS if phrase in warning.message), "other")
            kinds[kind] += 1
        parts = ", ".join(f"{n} {_reason(k, n)}" for k, n in sorted(kinds.items()))
        lines.append(f"{_count(len(report.warnings), 'warning')}: {parts}")
    return "\n".join(lines)


def _reason(reason: str, number: int) -> str:
    if reason == "already":
        return "already imported"
    if number == 1 or reason.endswith("s"):
        return reason
    if reason.endswith("y") and not reason.endswith(("ay", "ey", "oy")):
        return f"{reason[:-1]}ies"
    if reason == "superscript or subscript":
        return "superscripts or subscripts"
    return f"{reason}es" if reason.endswith(("sh", "ch", "x")) else f"{reason}s"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
