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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsgen.build import stamps
from newsgen.build.manifest import (
    JOURNAL,
    MANIFEST,
    MANIFEST_VERSION,
    NO_STAMP,
    STAGING_PREFIX,
    DamagedRecord,
    Journal,
    Manifest,
    Written,
    read_journal,
    read_manifest,
    safe_relative,
    safe_staging,
    same_rows,
    write_journal,
    write_json,
    write_manifest,
)
from newsgen.content.config import Config
from newsgen.errors import NewsgenError, OutputRefused, Problem, WriteFailed
from newsgen.model import OutputFile, PlannedFile
from newsgen.safefile import Folder, LinkRefused, Tree, read_regular

# Kept importable from here: the records belong to the writer.
__all__ = [
    "MANIFEST",
    "STAGING_PREFIX",
    "Recovery",
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
    # The manifest's entries as this write left them, with their stamps: what a serving
    # process trusts at its next build (see `write`'s `trusted`).
    entries: Mapping[str, Written] = field(default_factory=dict, repr=False, compare=False)


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
    kept_stamps: stamps.Kept | None = None,
    trusted: Mapping[str, Written] | None = None,
) -> WriteReport:
    """Write `outputs` (consumed lazily) to `output_dir`; nothing changes unless all succeed.

    With `verify` (and after an interrupted commit) every file is made and compared with the
    bytes on disk, so whatever happened to the folder, it ends as a clean build would be.
    `keep` names files of the last build that this build vouches are unchanged: they stay as
    they are without being planned (a caller that wants everything verified keeps nothing).
    `render_many` renders a batch of planned files (on all cores); by default each in turn.
    `kept_stamps` (in .newsgen/, never in the output folder) keeps each file's stat once in
    place: a file whose stat still matches is trusted, any other is compared by its content.
    `trusted`: the entries this process's last write left (`WriteReport.entries`), given only
    while the manifest on disk is the one it wrote; their files are taken as in place, without
    an lstat each (a serving process's own preview folder, which nothing else writes)."""
    created = not output_dir.exists() and not output_dir.is_symlink()
    kept_stamps = kept_stamps or stamps.Kept(None, output_dir)
    in_place = trusted is not None and not (force or verify)
    previous, old, warnings = _starting_from(
        output_dir, kept_stamps, trusted if in_place else None, force=force, created=created
    )
    verify = verify or previous.verify
    try:
        root = Folder.open(output_dir, create=True)
    except OSError as exc:
        raise WriteFailed(
            f"cannot write {output_dir.name}/: {exc.strerror or exc} "
            f"({exc.filename or output_dir}); the previous site is unchanged"
        ) from exc
    staging: Folder | None = None
    stage: _Stage | None = None
    try:
        _remove_leftovers(root)
        staging = root.folder(root.make_folder(STAGING_PREFIX))
        stage = _Stage(
            output_dir,
            staging,
            old,
            force=force,
            verify=verify,
            render_many=render_many or _render_each,
            in_place=in_place,
        )
        for output in outputs:
            stage.add(output)
        stage.finish(keep)
        removed, refused = stage.commit(root)
        new, warnings = stage.new, warnings + _refusal_warnings(output_dir, refused)
        outdated = previous.version != MANIFEST_VERSION
        if stage.committing or outdated or verify or warnings or not same_rows(new, old):
            write_manifest(output_dir, new)
        # A kill on either side of this costs the next build a content check, no more: a
        # stamp vouches only for its digest and its file's inode.
        kept_stamps.save(new)
        if stage.committing:
            root.unlink(JOURNAL)
        stage.succeeded = True
    except OSError as exc:
        committing = stage is not None and stage.committing
        if committing:  # finish what can be finished; the next build checks the rest
            with contextlib.suppress(WriteFailed):
                recover(output_dir)
        raise _write_error(output_dir, exc, committing) from exc
    except BaseException:  # Ctrl-C or SIGTERM halfway through the renames: finish them first
        if stage is not None and stage.committing:
            with contextlib.suppress(WriteFailed):
                recover(output_dir)
        raise
    finally:
        root.close()
        succeeded = stage is not None and stage.succeeded
        if staging is not None:
            staging.close()
            if succeeded or stage is None or not stage.committing:  # else the journal needs it
                shutil.rmtree(staging.path, ignore_errors=True)
        if created and not succeeded:
            shutil.rmtree(output_dir, ignore_errors=True)
    written = len(stage.staged)
    return WriteReport(
        len(new), written, stage.unchanged, removed, stage.rendered, warnings, stage.new
    )


def _write_error(output_dir: Path, exc: OSError, committing: bool) -> NewsgenError:
    """What to say of a write that failed: what, where, and what became of the site."""
    after = (
        "some files were already replaced: the next build checks every file and finishes the job"
        if committing
        else "the previous site is unchanged"
    )
    if isinstance(exc, LinkRefused):
        return OutputRefused(
            f"refusing to write through {_shown(output_dir, exc.filename)}: {exc.reason}; {after}"
        )
    return WriteFailed(
        f"cannot write {output_dir.name}/: {exc.strerror or exc} "
        f"({exc.filename or output_dir}); {after}"
    )


def _shown(output_dir: Path, filename: object) -> str:
    """A path under the output folder as the user knows it: 'site/2026'."""
    path = Path(str(filename))
    if path.is_relative_to(output_dir):
        return (Path(output_dir.name) / path.relative_to(output_dir)).as_posix()
    return str(path)


def intact_check(
    output_dir: Path, kept: stamps.Kept, trusted: Mapping[str, Written] | None = None
) -> Callable[[Iterable[str]], bool]:
    """A test of whether files of the last build are still exactly as newsgen left them, by
    their stat against the `kept` stamps (as git's index does): one lstat a
    file, so that a build can trust what it does not plan again, and a hand-edited file is
    noticed. A file without a stamp for its manifest entry's digest is not trusted. With
    `trusted` (see `write`), a file is intact if this process's last write left it."""
    if trusted is not None:
        return lambda paths: all(
            (entry := trusted.get(path)) is not None and entry.stamp != NO_STAMP for path in paths
        )
    try:
        manifest = read_manifest(output_dir)
    except DamagedRecord:
        manifest = None
    known = kept.read()
    files = manifest.files if manifest is not None and not manifest.verify else {}
    base = str(output_dir)

    def intact(paths: Iterable[str]) -> bool:
        for path in paths:
            written, stamp = files.get(path), known.get(path)
            if written is None or stamp is None or stamp[0] != written.sha256:
                return False
            try:
                status = os.lstat(f"{base}/{path}")  # not Path: 20,000 a build
            except OSError:
                return False
            if (status.st_mtime_ns, status.st_ctime_ns, status.st_ino) != stamp[1]:
                return False
        return True

    return intact


@dataclass(frozen=True, slots=True)
class Recovery:
    """An interrupted commit that the next build found (and finished where it could)."""

    warnings: tuple[Problem, ...] = ()  # a journal that could not be trusted


def recover(output_dir: Path) -> Recovery | None:
    """Finish a commit that was interrupted (a kill, a power cut), if there is one; None if
    there was none. Whatever cannot be finished is left for the next write, which then checks
    the content of every file. Temporary files and staging folders that a killed build left
    are removed in any case."""
    try:
        if not output_dir.is_dir():
            return None
        with Folder.open(output_dir) as root:
            recovery = _recover(output_dir, root)
            _remove_leftovers(root)  # after: the journal may name a staging folder
            return recovery
    except OSError as exc:
        raise WriteFailed(
            f"cannot finish the interrupted update of {output_dir.name}/: "
            f"{exc.strerror or exc} ({exc.filename or output_dir})"
        ) from exc


def _recover(output_dir: Path, root: Folder) -> Recovery | None:
    journal = read_journal(output_dir)
    if journal is None:
        return None
    staging, untrusted = _staging_of(root, journal.staging)
    warnings: tuple[Problem, ...] = ()
    if untrusted:
        warnings = (
            Problem(
                f"{output_dir.name}/{JOURNAL}",
                1,
                1,
                f"ignored a journal that cannot be trusted: its staging folder "
                f"{output_dir.name}/{journal.staging} {untrusted}; every file of "
                f"{output_dir.name}/ is checked instead",
            ),
        )
    folders = Tree(root)
    try:
        if not untrusted:
            _remove_stale(folders, journal.stale)
        if staging is not None:
            _finish_moves(folders, staging, journal.moves)
    finally:
        folders.close()
        if staging is not None:
            staging.close()
    try:
        known = read_manifest(output_dir)
    except DamagedRecord:
        # The journal holds only what the commit changed: the rest was in the manifest. The
        # damaged manifest stays, and the next build refuses to guess which files are whose.
        pass
    else:
        files = known.files if known else {}
        # Both builds' files, none of them trusted by stat: the next write checks each one.
        unknown = {path: replace(w, stamp=NO_STAMP) for path, w in (files | journal.files).items()}
        write_manifest(output_dir, unknown, verify=True)
    root.unlink(JOURNAL, missing_ok=True)
    if staging is not None:
        shutil.rmtree(output_dir / journal.staging, ignore_errors=True)
    return Recovery(warnings)


def _staging_of(root: Folder, name: str) -> tuple[Folder | None, str]:
    """The journal's staging folder, opened, if it is a real folder of newsgen's directly
    inside the output folder; else None and, if the journal named one, why it is refused."""
    if not name:
        return None, ""
    try:
        return root.folder(name), ""
    except LinkRefused:
        return None, "is a link"
    except FileNotFoundError:
        return None, ""  # removed after the renames, before the journal: nothing to finish
    except OSError:
        return None, "is not a folder"


def _finish_moves(folders: Tree, staging: Folder, moves: Iterable[tuple[str, str]]) -> None:
    """Rename the staged files that are still there into place; anything else is left for
    the next write to check."""
    for relative, name in moves:
        with contextlib.suppress(OSError):  # gone already, or in the way: checked next
            if not stat.S_ISREG(staging.lstat(name).st_mode):
                continue
            parent, _, base = relative.rpartition("/")
            staging.rename(name, folders.folder(parent, create=True), base)


def _starting_from(
    output_dir: Path,
    kept_stamps: stamps.Kept,
    trusted: Mapping[str, Written] | None,
    *,
    force: bool,
    created: bool,
) -> tuple[Manifest, dict[str, Written], tuple[Problem, ...]]:
    """The manifest of the last write, its entries with the stamps that vouch for them, and
    warnings: what this process wrote last, if `trusted`; else read from the folder."""
    if trusted is not None:
        kept_stamps.seed(trusted)
        return Manifest(dict(trusted)), dict(trusted), ()
    previous, warnings = _previous(output_dir, force, created)
    return previous, stamps.apply(previous.files, kept_stamps.read()), warnings


def _previous(output_dir: Path, force: bool, created: bool) -> tuple[Manifest, tuple[Problem, ...]]:
    """The manifest of the last write (an empty one if there is none), and warnings."""
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
        warning = Problem(shown, 1, 1, f"ignored a damaged manifest: {exc}")
        return Manifest({}, verify=True), (warning,)
    if manifest is None:
        if not force and not created and any(output_dir.iterdir()):
            raise OutputRefused(
                f"refusing to write to {output_dir.name}/: it holds files newsgen "
                "did not write; empty it, or pass --force to write beside them"
            )
        return Manifest({}), ()
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
    return manifest, warnings


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
        staging: Folder,
        old: dict[str, Written],
        *,
        force: bool,
        verify: bool,
        render_many: RenderMany,
        in_place: bool = False,
    ) -> None:
        self.output_dir, self.staging, self.old = output_dir, staging, old
        # The old entries' files are in place as stamped, unchecked (see `write`'s `trusted`).
        self.in_place = in_place
        self.force, self.verify, self.render_many = force, verify, render_many
        self.new: dict[str, Written] = {}
        self.staged: list[tuple[str, str]] = []  # (path in the site, staged file's name)
        self.unchanged = self.rendered = 0
        self.pending: list[tuple[str, PlannedFile]] = []
        self.seen: set[str] = set()
        self.inside = _Containment(output_dir)
        self.committing = False  # the journal is written: the renames have begun
        self.succeeded = False

    def commit(self, root: Folder) -> tuple[int, list[str]]:
        """Move the staged files into place and remove stale ones, once every path has been
        checked; return how many were removed, and the stale entries refused."""
        stale = sorted(self.old.keys() - self.new.keys())
        staged = [relative for relative, _ in self.staged]
        _check_obstacles(self.output_dir, staged, self.new, set(stale))
        if not self.staged and not stale:
            return 0, []
        changed = {path: w for path, w in self.new.items() if not _same_row(self.old.get(path), w)}
        journal = Journal(self.staging.path.name, tuple(self.staged), tuple(stale), changed)
        write_journal(self.output_dir, journal)
        self.committing = True
        folders = Tree(root)
        try:
            removed, refused = _remove_stale(folders, stale)
            self.new = _move_in(folders, self.staging, self.staged, self.new)
        finally:
            folders.close()
        return removed, refused

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
            found = self._intact(relative, previous, trust_stamp=True)
            if found is not None:  # same inputs, file intact: not even rendered
                same = found == previous.stamp
                self.new[relative] = previous if same else replace(previous, stamp=found)
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
            found = self._intact(relative, replace(made, stamp=stamp), trust_stamp=trusted)
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
        self.inside.check(target.parent)  # only where something is written: lstat costs
        name = str(len(self.staged))
        try:
            self.staging.create_named(name, content)
        except OSError as exc:
            exc.filename = exc.filename or str(target)  # say which page could not be staged
            raise
        self.staged.append((relative, name))

    def _intact(
        self, relative: str, expected: Written, *, trust_stamp: bool
    ) -> tuple[int, int, int] | None:
        """`_intact` of the file at `relative`; in a trusted folder (see `write`'s `trusted`),
        a stamp that vouches for the expected bytes is taken without a look at the file."""
        if self.in_place and trust_stamp and expected.stamp != NO_STAMP:
            return expected.stamp
        return _intact(self.output_dir / relative, expected, trust_stamp=trust_stamp)


def _same_row(old: Written | None, new: Written) -> bool:
    return old is not None and (old.sha256, old.size, old.key) == (new.sha256, new.size, new.key)


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
    try:
        return hashlib.sha256(read_regular(path, follow=False)).hexdigest()
    except OSError:
        return ""


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
    folders: Tree, staging: Folder, staged: list[tuple[str, str]], new: dict[str, Written]
) -> dict[str, Written]:
    """Rename the staged files into place; return `new` with the stamps they have there."""
    stamps: dict[str, Written] = {}
    for relative, name in staged:
        parent, _, base = relative.rpartition("/")
        folder = folders.folder(parent, create=True)  # never through a link
        staging.rename(name, folder, base)
        status = folder.lstat(base)
        stamps[relative] = replace(
            new[relative], stamp=(status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
        )
    return new | stamps


class _Containment:
    """Refuses to write below a link planted inside the output folder, wherever it leads:
    a clean refusal before the commit starts (the renames refuse links too). Each folder is
    looked at once."""

    def __init__(self, output_dir: Path) -> None:
        self.root = output_dir
        self.checked: set[Path] = {output_dir}

    def link_on_the_way(self, folder: Path) -> Path | None:
        """The first link between the output folder and `folder` (included), if any."""
        if folder in self.checked:
            return None
        found = self.link_on_the_way(folder.parent) if folder.parent != folder else None
        if found is None and folder.is_symlink():
            found = folder
        if found is None:
            self.checked.add(folder)
        return found

    def check(self, folder: Path) -> None:
        link = self.link_on_the_way(folder)
        if link is not None:
            raise OutputRefused(
                f"refusing to write through {_shown(self.root, link)}: it is a link; newsgen "
                "never writes through a link; the previous site is unchanged"
            )


def _checked_path(path: str) -> str:
    """A relative path that stays inside the output folder, or a ValueError (a newsgen bug)."""
    relative = safe_relative(path)
    if relative is None:
        raise ValueError(f"unsafe output path {path!r}")
    return relative


def _remove_stale(folders: Tree, stale: Iterable[str]) -> tuple[int, list[str]]:
    """Remove files of the previous build; only files, only inside the output folder, never
    below a link. Return how many were removed, and the entries refused (a folder, a path
    through a link)."""
    removed = 0
    refused: list[str] = []
    for relative in sorted(stale):
        parent, _, name = relative.rpartition("/")
        try:
            folder = folders.folder(parent)
            if stat.S_ISDIR(folder.lstat(name).st_mode):
                refused.append(relative)
                continue
            folder.unlink(name)
            removed += 1
        except LinkRefused:
            refused.append(relative)
            continue
        except (FileNotFoundError, NotADirectoryError):  # gone, or a file where a folder was
            continue
        # Prune folders the removal left empty, up to the output folder itself; rmdir
        # refuses a folder that is not empty.
        while parent:
            above, _, base = parent.rpartition("/")
            folders.forget(parent)
            try:
                folders.folder(above).rmdir(base)
            except OSError:
                break
            parent = above
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


def _remove_leftovers(root: Folder) -> None:
    """Staging folders and temporary files left by a build that was killed before its commit
    began. A link there is removed as a link: rmtree and unlink never follow one."""
    root.remove_temporaries()
    for name in root.names():
        with contextlib.suppress(OSError):
            if safe_staging(name):
                if stat.S_ISDIR(root.lstat(name).st_mode):
                    shutil.rmtree(root.path / name, ignore_errors=True)
                else:
                    root.unlink(name)
