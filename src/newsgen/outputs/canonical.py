"""Pagefind writes a bundle's filter tables in hash-map order, which changes from run to run;
this rewrites them sorted, renames them by their content and points the bundle's metadata and
entry file at the new names, so that a bundle's bytes depend on its records alone. Only the
CBOR that Pagefind writes is handled (integers, strings, arrays, maps, simple values); a file
that does not read back to its own bytes is left as it is.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path
from typing import TypeAlias

FORMAT = 1  # bumped when the rewriting below changes, so cached bundles are made again
SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"

Value: TypeAlias = int | str | bytes | list["Value"] | dict[str, "Value"] | float | bool | None


def canonicalise(bundle: Path) -> None:
    """Sort every filter table of the Pagefind bundle in `bundle`, in place."""
    renamed: dict[str, str] = {}
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        table = _read(path)
        if table is None:
            return
        name = _write(bundle / "filter", path, _sorted(table, set()), ".pf_filter", width=7)
        renamed[path.stem] = name
    if not renamed:
        return
    entry = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(meta_path)
        if meta is None:
            return
        meta = _sorted(_renamed(meta, renamed), set(renamed.values()))
        language["hash"] = _write(bundle, meta_path, meta, ".pf_meta", width=10, prefix="pagefind.")
    (bundle / ENTRY).write_text(json.dumps(entry, sort_keys=True), encoding="utf-8")


def _read(path: Path) -> Value | None:
    raw = path.read_bytes()
    data = raw if raw.startswith(SIGNATURE) else gzip.decompress(raw)
    data = data[len(SIGNATURE) :]
    value, end = _decode(data, 0)
    if end != len(data) or _encode(value) != data:
        return None  # not the subset we know: better unsorted than wrong
    return value


def _write(
    folder: Path, old: Path, value: Value, suffix: str, *, width: int, prefix: str = ""
) -> str:
    data = SIGNATURE + _encode(value)
    language = old.name.removeprefix(prefix).split("_", 1)[0]
    name = f"{language}_{hashlib.blake2b(data, digest_size=8).hexdigest()[:width]}"
    old.unlink()
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def _renamed(value: Value, names: dict[str, str]) -> Value:
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, list):
        return [_renamed(item, names) for item in value]
    return value


def _sorted(value: Value, tables: set[str]) -> Value:
    """Lists of [name, pages] (a filter's values) and of [name, table] (a bundle's filters) in
    name order; nothing else (the order of a bundle's pages is their numbering)."""
    if not isinstance(value, list):
        return value
    items = [_sorted(item, tables) for item in value]
    if items and all(_sortable(item, tables) for item in items):
        items.sort(key=lambda item: str(item[0]) if isinstance(item, list) else "")
    return items


def _sortable(item: Value, tables: set[str]) -> bool:
    if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
        return False
    return isinstance(item[1], list) or (isinstance(item[1], str) and item[1] in tables)


SIMPLE: dict[int, Value] = {20: False, 21: True, 22: None}
FLOATS = {25: ("e", 2), 26: ("f", 4), 27: ("d", 8)}


def _decode(data: bytes, at: int) -> tuple[Value, int]:
    first = data[at]
    major, info = first >> 5, first & 0x1F
    at += 1
    if major == 7:
        if info in SIMPLE:
            return SIMPLE[info], at
        code, size = FLOATS[info]
        return struct.unpack(">" + code, data[at : at + size])[0], at + size
    length = info
    if info >= 24:
        size = 1 << (info - 24)
        length = int.from_bytes(data[at : at + size], "big")
        at += size
    if major in {0, 1}:
        return (length if major == 0 else -1 - length), at
    if major in {2, 3}:
        raw = data[at : at + length]
        return (raw.decode() if major == 3 else raw), at + length
    items = []
    for _ in range(length * (2 if major == 5 else 1)):
        item, at = _decode(data, at)
        items.append(item)
    if major == 4:
        return items, at
    return {str(key): item for key, item in zip(items[::2], items[1::2], strict=True)}, at


def _head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | info]) + length.to_bytes(size, "big")
    raise ValueError("integer too large")


def _encode(value: Value) -> bytes:
    if value is None or isinstance(value, bool):
        return {None: b"\xf6", False: b"\xf4", True: b"\xf5"}[value]
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, str | bytes):
        encoded = value.encode() if isinstance(value, str) else value
        return _head(3 if isinstance(value, str) else 2, len(encoded)) + encoded
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(item) for item in value)
    return _head(5, len(value)) + b"".join(
        _encode(key) + _encode(item) for key, item in value.items()
    )
