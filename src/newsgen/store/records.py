"""Rendered articles as JSON records for the store, and back, checked field by field.

A record is data: decoding builds an `Article` from typed values and never runs anything it
names. A record that does not decode to exactly the shapes below is reported as damaged, and
its article is read from its file again. Times keep their zone (an IANA zone by its key), so a
decoded article formats exactly as the one that was stored.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from newsgen.model import Article, Body, Notice, RenderedArticle

# Article fields that hold a plain value of one of these types (None allowed where optional).
_TEXT = ("source", "title", "slug", "url", "body", "language")
_OPTIONAL_TEXT = (
    "section",
    "summary",
    "dateline",
    "image",
    "image_alt",
    "image_caption",
    "image_credit",
    "translation_key",
)
_FLAGS = ("date_only", "updated_date_only", "draft")
_TEXTS = ("authors", "tags", "aliases")


class RecordDamaged(ValueError):
    """A stored record that is not one newsgen wrote."""


def encode(rendered: RenderedArticle) -> str:
    article = rendered.article
    fields: dict[str, Any] = {name: getattr(article, name) for name in _TEXT + _OPTIONAL_TEXT}
    fields.update({name: getattr(article, name) for name in _FLAGS})
    fields.update({name: list(getattr(article, name)) for name in _TEXTS})
    fields["body_line"] = article.body_line
    fields["date"] = _moment(article.date)
    fields["local_date"] = _moment(article.local_date)
    fields["updated"] = _moment(article.updated) if article.updated else None
    fields["image_size"] = list(article.image_size) if article.image_size else None
    fields["extra"] = _value(article.extra)
    fields["positions"] = {key: list(at) for key, at in article.positions.items()}
    fields["corrections"] = [_notice(notice) for notice in article.corrections]
    fields["updates"] = [_notice(notice) for notice in article.updates]
    # Pairs, not an object: the kinds keep the order the site declares them in.
    fields["terms"] = [[name, list(terms)] for name, terms in article.terms.items()]
    record = {
        "article": fields,
        "summary_html": rendered.summary_html,
        "summary_text": rendered.summary_text,
        "words": rendered.words,
        "digest": rendered.digest,
        "view": rendered.view,
        "images": [list(image) for image in rendered.images],
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def decode(text: str, body: Body) -> RenderedArticle:
    """The article of a record, with `body` as its rendered body; RecordDamaged if the record
    is not exactly what `encode` writes."""
    try:
        record = json.loads(text)
        fields = record["article"]
        values: dict[str, Any] = {name: _text(fields[name]) for name in _TEXT}
        values.update({name: _optional_text(fields[name]) for name in _OPTIONAL_TEXT})
        values.update({name: _flag(fields[name]) for name in _FLAGS})
        values.update({name: tuple(map(_text, _list(fields[name]))) for name in _TEXTS})
        updated = fields["updated"]
        article = Article(
            **values,
            body_line=_int(fields["body_line"]),
            date=_datetime(fields["date"]),
            local_date=_datetime(fields["local_date"]),
            updated=_datetime(updated) if updated is not None else None,
            image_size=_size(fields["image_size"]),
            extra=_mapping(_data(fields["extra"])),
            positions={
                _text(key): (_int(at[0]), _int(at[1]))
                for key, at in _mapping(fields["positions"]).items()
            },
            corrections=tuple(map(_notice_of, _list(fields["corrections"]))),
            updates=tuple(map(_notice_of, _list(fields["updates"]))),
            terms=dict(map(_terms_of, _list(fields["terms"]))),
        )
        return RenderedArticle(
            article,
            body,
            _text(record["summary_html"]),
            _text(record["summary_text"]),
            _int(record["words"]),
            _text(record["digest"]),
            _text(record["view"]),
            tuple(map(_image_of, _list(record["images"]))),
        )
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise RecordDamaged(str(exc)) from None


def _notice(notice: Notice) -> dict[str, Any]:
    return {
        "kind": notice.kind,
        "date": _moment(notice.date),
        "date_only": notice.date_only,
        "text": notice.text,
        "html": notice.html,
        "at": [notice.line, notice.column],
    }


def _notice_of(value: object) -> Notice:
    fields = _mapping(value)
    line, column = _list(fields["at"])
    return Notice(
        _text(fields["kind"]),
        _datetime(fields["date"]),
        _flag(fields["date_only"]),
        _text(fields["text"]),
        _text(fields["html"]),
        _int(line),
        _int(column),
    )


def _terms_of(value: object) -> tuple[str, tuple[str, ...]]:
    name, terms = _list(value)
    return _text(name), tuple(map(_text, _list(terms)))


def _image_of(value: object) -> tuple[str, int, int, int, int]:
    src, line, column, width, height = _list(value)
    return _text(src), _int(line), _int(column), _int(width), _int(height)


def _moment(moment: datetime) -> list[str | None]:
    zone = moment.tzinfo
    key = zone.key if isinstance(zone, ZoneInfo) else None
    return [moment.isoformat(), key]


def _datetime(value: object) -> datetime:
    iso, key = _list(value)
    moment = datetime.fromisoformat(_text(iso))
    if moment.tzinfo is None:
        raise ValueError("a stored time without its offset")
    # A fixed offset comes back as the same datetime.timezone that YAML gave.
    return moment.astimezone(ZoneInfo(_text(key))) if key is not None else moment


def _value(value: object) -> object:
    """YAML data as JSON: mappings as key-value pairs (YAML keys need not be strings), times
    and dates tagged."""
    if isinstance(value, dict):
        return {"map": [[_value(key), _value(item)] for key, item in value.items()]}
    if isinstance(value, list | tuple):
        return [_value(item) for item in value]
    if isinstance(value, datetime):
        return {"datetime": _moment(value) if value.tzinfo else [value.isoformat(), "naive"]}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _data(value: object) -> object:
    if isinstance(value, dict):
        if set(value) == {"map"}:
            return {_hashable(_data(key)): _data(item) for key, item in _list(value["map"])}
        if set(value) == {"date"}:
            return date.fromisoformat(_text(value["date"]))
        if set(value) == {"datetime"}:
            iso, key = _list(value["datetime"])
            if key == "naive":
                return datetime.fromisoformat(_text(iso))
            return _datetime(value["datetime"])
        raise ValueError("an unknown value in 'extra'")
    if isinstance(value, list):
        return [_data(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ValueError("an unknown value in 'extra'")


def _hashable(value: object) -> object:
    if isinstance(value, list | dict):
        raise ValueError("a mapping key that is a list or a mapping")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("a text field is not text")
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError("a flag is not true or false")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("a number is not a whole number")
    return value


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("a list is not a list")
    return value


def _mapping(value: object) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise TypeError("a mapping is not a mapping")
    return value


def _size(value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    width, height = _list(value)
    return _int(width), _int(height)
