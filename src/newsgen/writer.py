"""The only module that writes or deletes under the output folder.

Two phases: every changed file is first staged in a temporary folder inside the output folder;
only when the whole site has been rendered are the staged files renamed into place. A failure
while rendering or staging (a template error, a full disk, Ctrl-C) leaves the site as it was.
A manifest records what newsgen wrote, so it deletes only its own files and never overwrites
a file it did not write.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from newsgen.config import Config
from newsgen.errors import OutputRefused, WriteFailed
from newsgen.model import OutputFile, PlannedFile

MANIFEST = ".newsgen-manifest.json"
STAGING_PREFIX = ".newsgen-staging-"
MANIFEST_VERSION = 2


@dataclass(frozen=True, slots=True)
class Written:
    """What the manifest knows of a file newsgen wrote."""

    sha256: str
    size: int  # -1 when unknown (a version 1 manifest)
    key: str = ""  # the PlannedFile key it was made from, if any


@dataclass(frozen=True, slots=True)
class WriteReport:
    files: int  # files in the site
    written: int  # new or changed files
    unchanged: int  # files whose bytes were already in place
    removed: int  # files of an earlier build that this build no longer has
    rendered: int = 0  # planned files whose inputs changed, so they were made again


def check_output_dir(config: Config, output_dir: Path) -> None:
    """Refuse an output folder that is, contains, or lies inside the site's sources.

    config.py already refuses such a setting; this check resolves symbolic links too.
    """
    output = output_dir.resolve()
    root = config.root.resolve()
    if root.is_relative_to(output):
        raise OutputRefused(
            f"refusing to write to {output_dir.name}/: it contains the site's "
            "sources; set 'output_dir' to a folder of its own, such as 'site'"
        )
    for source in (config.articles_dir, config.templates_dir, config.static_dir):
        if output.is_relative_to(source.resolve()):
            raise OutputRefused(
                f"refusing to write to {output_dir.name}/: it is inside "
                f"{source.name}/, which holds the site's sources"
            )


def write(
    outputs: Iterable[OutputFile | PlannedFile],
    output_dir: Path,
    *,
    force: bool = False,
    keep: Iterable[str] = (),
    render_many: RenderMany | None = None,
) -> WriteReport:
    """Write `outputs` (consumed lazily) to `output_dir`; nothing changes unless all succeed.

    `keep` names files of the last build that this build vouches are unchanged: they stay as
    they are without being planned. `render_many` renders a batch of planned files (on all
    cores); by default each is rendered in turn."""
    created = not output_dir.exists()
    old = _read_manifest(output_dir)
    if old is None:
        if not force and not created and any(output_dir.iterdir()):
            raise OutputRefused(
                f"refusing to write to {output_dir.name}/: it holds files newsgen "
                "did not write; empty it, or pass --force to write beside them"
            )
        old = {}
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(output_dir)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output_dir))
    except OSError as exc:
        raise WriteFailed(
            f"cannot write {output_dir.name}/: {exc.strerror or exc} "
            f"({exc.filename or output_dir}); the previous site is unchanged"
        ) from exc
    succeeded = committing = False
    try:
        stage = _Stage(output_dir, staging, old, force, render_many or _render_each)
        for output in outputs:
            stage.add(output)
        stage.finish(keep)
        new, staged, unchanged, rendered = stage.new, stage.staged, stage.unchanged, stage.rendered
        # Record old and new files before anything moves, so an interrupted commit still
        # leaves every file newsgen wrote in the manifest.
        stale = old.keys() - new.keys()
        if staged:
            _write_manifest(output_dir, old | new)
        committing = True
        folders: set[Path] = set()  # made already: one mkdir per folder, not per file
        for relative, temporary in staged:
            target = output_dir / relative
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            temporary.replace(target)
        removed = _remove_stale(output_dir, stale)
        if staged or stale or new != old:
            _write_manifest(output_dir, new)
        succeeded = True
    except OSError as exc:
        state = (
            "some files were already replaced; build again to finish"
            if committing
            else "the previous site is unchanged"
        )
        raise WriteFailed(
            f"cannot write {output_dir.name}/: {exc.strerror or exc} "
            f"({exc.filename or output_dir}); {state}"
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not succeeded:
            shutil.rmtree(output_dir, ignore_errors=True)
    return WriteReport(len(new), len(staged), unchanged, removed, rendered)


RenderMany = Callable[[Sequence[PlannedFile]], list[bytes]]
# Planned files are rendered in batches of this many, so that render_many can share them out
# while memory stays bounded.
BATCH = 512


def _render_each(planned: Sequence[PlannedFile]) -> list[bytes]:
    return [item.render() for item in planned]


class _Stage:
    """Stages outputs in the staging folder, rendering planned files in batches."""

    def __init__(
        self,
        output_dir: Path,
        staging: Path,
        old: dict[str, Written],
        force: bool,
        render_many: RenderMany,
    ) -> None:
        self.output_dir, self.staging, self.old, self.force = output_dir, staging, old, force
        self.render_many = render_many
        self.new: dict[str, Written] = {}
        self.staged: list[tuple[str, Path]] = []
        self.unchanged = self.rendered = 0
        self.pending: list[tuple[str, PlannedFile]] = []
        self.seen: set[str] = set()
        self.inside = _Containment(output_dir)

    def add(self, output: OutputFile | PlannedFile) -> None:
        relative = _checked_path(output.path)
        if relative in self.seen:
            raise ValueError(f"two outputs for {relative}: the plan must prevent this")
        self.seen.add(relative)
        if isinstance(output, PlannedFile):
            previous = self.old.get(relative)
            target = self.output_dir / relative
            if previous and previous.key == output.key and _size(target) == previous.size:
                self.new[relative] = previous  # same inputs, file intact: not even rendered
                self.unchanged += 1
                return
            self.pending.append((relative, output))
            if len(self.pending) >= BATCH:
                self.flush()
            return
        self._put(relative, output.content, "")

    def finish(self, keep: Iterable[str]) -> None:
        """Render what is pending; keep the manifest entries of `keep` as they are."""
        self.flush()
        for relative in keep:
            if relative not in self.new:
                self.new[relative] = self.old[relative]
                self.unchanged += 1

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        contents = self.render_many([planned for _, planned in pending])
        self.rendered += len(pending)
        for (relative, planned), content in zip(pending, contents, strict=True):
            self._put(relative, content, planned.key)

    def _put(self, relative: str, content: bytes, key: str) -> None:
        target = self.output_dir / relative
        previous = self.old.get(relative)
        self.new[relative] = Written(hashlib.sha256(content).hexdigest(), len(content), key)
        if (
            previous
            and previous.sha256 == self.new[relative].sha256
            and _size(target) == len(content)
        ):
            self.unchanged += 1
            return
        if previous is None and not self.force and (target.exists() or target.is_symlink()):
            raise OutputRefused(
                f"refusing to overwrite {self.output_dir.name}/{relative}: newsgen did "
                "not write it; move it away, or pass --force"
            )
        self.inside.check(target.parent)  # only where something is written: resolving costs
        temporary = self.staging / str(len(self.staged))
        temporary.write_bytes(content)
        self.staged.append((relative, temporary))


class _Containment:
    """Refuses folders that resolve outside the output folder (a link planted inside it);
    each folder is resolved once."""

    def __init__(self, output_dir: Path) -> None:
        self.root = output_dir.resolve()
        self.checked: set[Path] = set()

    def check(self, folder: Path) -> None:
        if folder in self.checked:
            return
        if folder.exists() and not folder.resolve().is_relative_to(self.root):
            raise OutputRefused(
                f"refusing to write through {folder}: it is a link that leads "
                "out of the output folder"
            )
        self.checked.add(folder)


def _checked_path(path: str) -> str:
    """A relative path that stays inside the output folder, or a ValueError (a newsgen bug)."""
    pure = PurePosixPath(path)
    if (
        pure.is_absolute()
        or not pure.parts
        or "\\" in path
        or "\x00" in path
        or any(part in ("..", ".") for part in pure.parts)
        or pure.parts[0] == MANIFEST
        or pure.parts[0].startswith(STAGING_PREFIX)
    ):
        raise ValueError(f"unsafe output path {path!r}")
    return pure.as_posix()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else -1
    except OSError:
        return -1


def _remove_stale(output_dir: Path, stale: Iterable[str]) -> int:
    removed = 0
    for relative in sorted(stale):
        path = output_dir / relative
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
        # Prune folders the removal left empty, up to the output folder itself.
        for parent in path.parents:
            if parent == output_dir or not parent.is_dir() or any(parent.iterdir()):
                break
            parent.rmdir()
    return removed


def _remove_stale_staging(output_dir: Path) -> None:
    """Staging folders left by a build that was killed outright."""
    for leftover in output_dir.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _read_manifest(output_dir: Path) -> dict[str, Written] | None:
    try:
        data = json.loads((output_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return None
    if data.get("version") == 1:  # path -> sha256
        return {str(path): Written(str(sha), -1) for path, sha in files.items()}
    if data.get("version") != MANIFEST_VERSION:
        return None
    try:
        return {
            str(path): Written(str(sha), int(size), str(key))
            for path, (sha, size, key) in files.items()
        }
    except (TypeError, ValueError):
        return None


def _write_manifest(output_dir: Path, files: dict[str, Written]) -> None:
    entries = {path: [w.sha256, w.size, w.key] for path, w in files.items()}
    write_json(output_dir / MANIFEST, {"version": MANIFEST_VERSION, "files": entries})


def write_json(path: Path, data: object) -> None:
    """Replace `path` atomically with `data` as JSON (keys sorted, so the bytes are stable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.tmp")
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    temporary.write_text(text + "\n", encoding="utf-8")
    temporary.replace(path)
