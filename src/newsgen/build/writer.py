"""The only module that writes or deletes under the output folder.

Two phases: every changed file is first staged in a temporary folder inside the output folder;
only when the whole site has been rendered, and every path checked against what is on disk,
are the staged files renamed into place. A failure while rendering or staging (a template
error, a full disk, Ctrl-C) leaves the site as it was. A journal, written before the first
rename and removed after the last, lets the next build finish a commit that a kill or a power
cut interrupted. A manifest records what newsgen wrote, so it deletes only its own files and
never overwrites a file it did not write; it is read as untrusted input (manifest.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from newsgen.build.manifest import (
    JOURNAL,
    MANIFEST,
    NO_STAMP,
    STAGING_PREFIX,
    DamagedRecord,
    Journal,
    Written,
    read_journal,
    read_manifest,
    safe_relative,
    safe_staging,
    write_journal,
    write_json,
    write_manifest,
)
from newsgen.content.config import Config
from newsgen.errors import OutputRefused, Problem, WriteFailed
from newsgen.model import OutputFile, PlannedFile

# Kept importable from here: the records belong to the writer.
__all__ = [
    "MANIFEST",
    "STAGING_PREFIX",
    "WriteReport",
    "check_output_dir",
    "recover",
    "write",
    "write_json",
]


@dataclass(frozen=True, slots=True)
class WriteReport:
    files: int  # files in the site
    written: int  # new or changed files
    unchanged: int  # files whose bytes were already in place
    removed: int  # files of an earlier build that this build no longer has
    rendered: int = 0  # planned files whose inputs changed, so they were made again
    warnings: tuple[Problem, ...] = ()  # manifest entries that were not obeyed


def check_output_dir(config: Config, output_dir: Path) -> None:
    """Refuse an output folder that is a file, or that is, contains, or lies inside the site's
    sources or newsgen's own folder. config.py already refuses such a setting; this check
    resolves symbolic links too."""
    if output_dir.exists() and not output_dir.is_dir():
        raise OutputRefused(
            f"refusing to write to {output_dir.name}/: it is a file, not a folder; "
            "move it away, or set 'output_dir' to another folder"
        )
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
    state = config.state_dir.resolve()
    is_preview = output == config.preview_dir.resolve()  # serve's own: never published
    if not is_preview and (output.is_relative_to(state) or state.is_relative_to(output)):
        raise OutputRefused(
            f"refusing to write to {output_dir.name}/: it holds or is inside .newsgen/, "
            "newsgen's cache of drafts and build state, which must never be published"
        )


def write(
    outputs: Iterable[OutputFile | PlannedFile],
    output_dir: Path,
    *,
    force: bool = False,
    verify: bool = False,
    keep: Iterable[str] = (),
    render_many: RenderMany | None = None,
) -> WriteReport:
    """Write `outputs` (consumed lazily) to `output_dir`; nothing changes unless all succeed.

    With `verify` (and after an interrupted commit) every file is made and compared with the
    bytes on disk, so whatever happened to the folder, it ends as a clean build would be.
    `keep` names files of the last build that this build vouches are unchanged: they stay as
    they are without being planned (a caller that wants everything verified keeps nothing).
    `render_many` renders a batch of planned files (on all cores); by default each in turn."""
    created = not output_dir.exists() and not output_dir.is_symlink()
    old, verify, warnings = _previous(output_dir, force, verify, created)
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
        stage = _Stage(
            output_dir,
            staging,
            old,
            force=force,
            verify=verify,
            render_many=render_many or _render_each,
        )
        for output in outputs:
            stage.add(output)
        stage.finish(keep)
        new, staged, unchanged, rendered = stage.new, stage.staged, stage.unchanged, stage.rendered
        stale = sorted(old.keys() - new.keys())
        _check_obstacles(output_dir, [relative for relative, _ in staged], new, set(stale))
        removed = 0
        if staged or stale:
            moves = tuple((relative, temporary.name) for relative, temporary in staged)
            write_journal(output_dir, Journal(staging.name, moves, tuple(stale), new))
            committing = True
            removed, refused = _remove_stale(output_dir, stale)
            warnings = warnings + _refusal_warnings(output_dir, refused)
            new = _move_in(output_dir, staged, new)
        if committing or new != old or verify or warnings:
            write_manifest(output_dir, new)
        if committing:
            (output_dir / JOURNAL).unlink()
        succeeded = True
    except OSError as exc:
        if not committing:
            raise WriteFailed(
                f"cannot write {output_dir.name}/: {exc.strerror or exc} "
                f"({exc.filename or output_dir}); the previous site is unchanged"
            ) from exc
        with contextlib.suppress(WriteFailed):
            recover(output_dir)  # finish what can be finished; the next build checks the rest
        raise WriteFailed(
            f"cannot write {output_dir.name}/: {exc.strerror or exc} "
            f"({exc.filename or output_dir}); some files were already replaced: the next "
            "build checks every file and finishes the job"
        ) from exc
    except BaseException:  # Ctrl-C or SIGTERM halfway through the renames: finish them first
        if committing:
            with contextlib.suppress(WriteFailed):
                recover(output_dir)
        raise
    finally:
        if succeeded or not committing:  # else the journal still needs the staged files
            shutil.rmtree(staging, ignore_errors=True)
        if created and not succeeded:
            shutil.rmtree(output_dir, ignore_errors=True)
    return WriteReport(len(new), len(staged), unchanged, removed, rendered, warnings)


def intact_check(output_dir: Path) -> Callable[[Iterable[str]], bool]:
    """A test of whether files of the last build are still exactly as newsgen left them, by
    their stat against the manifest's stamps (as git's index does): one lstat a file, so
    that a build can trust what it does not plan again, and a hand-edited file is noticed."""
    try:
        manifest = read_manifest(output_dir)
    except DamagedRecord:
        manifest = None
    files = manifest.files if manifest is not None and not manifest.verify else {}
    base = str(output_dir)

    def intact(paths: Iterable[str]) -> bool:
        for path in paths:
            written = files.get(path)
            if written is None:
                return False
            try:
                status = os.lstat(f"{base}/{path}")  # not Path: 20,000 a build
            except OSError:
                return False
            if (status.st_mtime_ns, status.st_ctime_ns, status.st_ino) != written.stamp:
                return False
        return True

    return intact


def recover(output_dir: Path) -> bool:
    """Finish a commit that was interrupted (a kill, a power cut), if there is one; say whether
    there was. Whatever cannot be finished is left for the next write, which then checks the
    content of every file."""
    try:
        return _recover(output_dir)
    except OSError as exc:
        raise WriteFailed(
            f"cannot finish the interrupted update of {output_dir.name}/: "
            f"{exc.strerror or exc} ({exc.filename or output_dir})"
        ) from exc


def _recover(output_dir: Path) -> bool:
    journal = read_journal(output_dir)
    if journal is None:
        return False
    staging = output_dir / journal.staging if journal.staging else None
    _remove_stale(output_dir, journal.stale)
    if staging is not None:
        inside = _Containment(output_dir)
        for relative, name in journal.moves:
            source, target = staging / name, output_dir / relative
            with contextlib.suppress(OSError):  # gone already, or in the way: checked next
                if source.is_file() and not source.is_symlink() and inside.inside(target.parent):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    source.replace(target)
    try:
        known = read_manifest(output_dir)
        files = known.files if known else {}
    except DamagedRecord:
        files = {}
    # Both builds' files, none of them trusted by stat: the next write checks each one.
    unknown = {path: replace(w, stamp=NO_STAMP) for path, w in (files | journal.files).items()}
    write_manifest(output_dir, unknown, verify=True)
    (output_dir / JOURNAL).unlink(missing_ok=True)
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    return True


def _previous(
    output_dir: Path, force: bool, verify: bool, created: bool
) -> tuple[dict[str, Written], bool, tuple[Problem, ...]]:
    """The manifest's files, whether to check every file's content, and warnings."""
    shown = f"{output_dir.name}/{MANIFEST}"
    try:
        manifest = read_manifest(output_dir)
    except DamagedRecord as exc:
        if not force:
            raise OutputRefused(
                f"refusing to write to {output_dir.name}/: its manifest {MANIFEST} is damaged "
                f"({exc}), so newsgen cannot tell the files it wrote from yours; move the "
                "folder away, or pass --force to write beside what is there"
            ) from None
        return {}, True, (Problem(shown, 1, 1, f"ignored a damaged manifest: {exc}"),)
    if manifest is None:
        if not force and not created and any(output_dir.iterdir()):
            raise OutputRefused(
                f"refusing to write to {output_dir.name}/: it holds files newsgen "
                "did not write; empty it, or pass --force to write beside them"
            )
        return {}, verify, ()
    warnings: tuple[Problem, ...] = ()
    if manifest.ignored:
        count = len(manifest.ignored)
        warnings = (
            Problem(
                shown,
                1,
                1,
                f"ignored {count} manifest entr{'y' if count == 1 else 'ies'} that "
                f"name{'s' * (count == 1)} no file inside {output_dir.name}/, such as "
                f"{manifest.ignored[0]!r}; newsgen deletes only files it wrote",
            ),
        )
    return manifest.files, verify or manifest.verify, warnings


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
        *,
        force: bool,
        verify: bool,
        render_many: RenderMany,
    ) -> None:
        self.output_dir, self.staging, self.old = output_dir, staging, old
        self.force, self.verify, self.render_many = force, verify, render_many
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
        if isinstance(output, OutputFile):
            self._put(relative, output.content, "")
            return
        previous = self.old.get(relative)
        if not self.verify and previous and previous.key == output.key:
            found = _intact(self.output_dir / relative, previous, trust_stamp=True)
            if found is not None:  # same inputs, file intact: not even rendered
                self.new[relative] = replace(previous, stamp=found)
                self.unchanged += 1
                return
        self.pending.append((relative, output))
        if len(self.pending) >= BATCH:
            self.flush()

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
        made = Written(hashlib.sha256(content).hexdigest(), len(content), key)
        if previous is not None:
            trusted = not self.verify and previous.sha256 == made.sha256
            stamp = previous.stamp if trusted else NO_STAMP
            found = _intact(target, replace(made, stamp=stamp), trust_stamp=trusted)
            if found is not None:
                self.new[relative] = replace(made, stamp=found)
                self.unchanged += 1
                return
        self.new[relative] = made
        if previous is None and not self.force and (target.exists() or target.is_symlink()):
            raise OutputRefused(
                f"refusing to overwrite {self.output_dir.name}/{relative}: newsgen did "
                "not write it; move it away, or pass --force"
            )
        self.inside.check(target.parent)  # only where something is written: resolving costs
        temporary = self.staging / str(len(self.staged))
        temporary.write_bytes(content)
        self.staged.append((relative, temporary))


def _intact(path: Path, expected: Written, *, trust_stamp: bool) -> tuple[int, int, int] | None:
    """The file's stamp if it holds exactly `expected`'s bytes, else None. A stamp equal to
    the recorded one is trusted when `trust_stamp`; otherwise the content is compared."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode) or status.st_size != expected.size:
        return None
    found = (status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
    if trust_stamp and found == expected.stamp:
        return found
    return found if _sha256(path) == expected.sha256 else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def _check_obstacles(
    output_dir: Path, staged: list[str], new: dict[str, Written], stale: set[str]
) -> None:
    """Refuse, before anything moves, a commit that would fail halfway: a path that this build
    needs as a folder where it writes a file, or where a file or folder is in the way."""
    shown = output_dir.name
    problems: list[str] = []
    folders_ok: set[str] = set()
    for relative in staged:
        parts = relative.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in folders_ok:
                continue
            if folder in new:
                problems.append(
                    f"this build writes both {shown}/{folder} and {shown}/{relative}; a path "
                    "cannot be a file and a folder at once (look for an alias)"
                )
                break
            path = output_dir / folder
            if folder not in stale and (path.is_symlink() or path.exists()) and not path.is_dir():
                problems.append(
                    f"cannot write {shown}/{relative}: {shown}/{folder} is a file newsgen did "
                    "not write; move it away"
                )
                break
            folders_ok.add(folder)
        target = output_dir / relative
        in_the_way = target.is_dir() and not target.is_symlink()
        if in_the_way and not _only_stale(target, output_dir, stale):
            problems.append(
                f"cannot write {shown}/{relative}: a folder is in the way, holding files "
                "newsgen did not write; move it away"
            )
    if problems:
        raise OutputRefused("\n".join([*problems[:10], "the previous site is unchanged"]))


def _only_stale(folder: Path, output_dir: Path, stale: set[str]) -> bool:
    """Whether removing this build's stale files empties `folder` (so it can become a file)."""
    for here, _, names in os.walk(folder):
        for name in names:
            if (Path(here) / name).relative_to(output_dir).as_posix() not in stale:
                return False
    return True


def _move_in(
    output_dir: Path, staged: list[tuple[str, Path]], new: dict[str, Written]
) -> dict[str, Written]:
    """Rename the staged files into place; return `new` with the stamps they have there."""
    stamps: dict[str, Written] = {}
    folders: set[Path] = set()  # made already: one mkdir per folder, not per file
    for relative, temporary in staged:
        target = output_dir / relative
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        temporary.replace(target)
        status = os.lstat(target)
        stamps[relative] = replace(
            new[relative], stamp=(status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
        )
    return new | stamps


class _Containment:
    """Refuses folders that resolve outside the output folder (a link planted inside it);
    each folder is resolved once."""

    def __init__(self, output_dir: Path) -> None:
        self.root = output_dir.resolve()
        self.checked: set[Path] = set()

    def inside(self, folder: Path) -> bool:
        if folder not in self.checked:
            if folder.exists() and not folder.resolve().is_relative_to(self.root):
                return False
            self.checked.add(folder)
        return True

    def check(self, folder: Path) -> None:
        if not self.inside(folder):
            raise OutputRefused(
                f"refusing to write through {folder}: it is a link that leads "
                "out of the output folder"
            )


def _checked_path(path: str) -> str:
    """A relative path that stays inside the output folder, or a ValueError (a newsgen bug)."""
    relative = safe_relative(path)
    if relative is None:
        raise ValueError(f"unsafe output path {path!r}")
    return relative


def _remove_stale(output_dir: Path, stale: Iterable[str]) -> tuple[int, list[str]]:
    """Remove files of the previous build; only files, only inside the output folder. Return
    how many were removed, and the entries refused (a folder, a path through a link)."""
    removed = 0
    refused: list[str] = []
    inside = _Containment(output_dir)
    for relative in sorted(stale):
        path = output_dir / relative
        if not inside.inside(path.parent):
            refused.append(relative)
            continue
        try:
            if stat.S_ISDIR(os.lstat(path).st_mode):
                refused.append(relative)
                continue
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except NotADirectoryError:  # a file where one of its folders was: nothing to remove
            continue
        # Prune folders the removal left empty, up to the output folder itself; rmdir
        # refuses a folder that is not empty, and a link.
        for parent in path.parents:
            if parent == output_dir:
                break
            try:
                parent.rmdir()
            except OSError:
                break
    return removed, refused


def _refusal_warnings(output_dir: Path, refused: list[str]) -> tuple[Problem, ...]:
    return tuple(
        Problem(
            f"{output_dir.name}/{MANIFEST}",
            1,
            1,
            f"did not remove {output_dir.name}/{relative}, which the manifest names: it is "
            "a folder or lies behind a link; newsgen removes only files it wrote",
        )
        for relative in refused
    )


def _remove_stale_staging(output_dir: Path) -> None:
    """Staging folders left by a build that was killed before its commit began."""
    for leftover in output_dir.glob(f"{STAGING_PREFIX}*"):
        if safe_staging(leftover.name) and leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
