"""One side of a diff: a catalogue folder, or a catalogue as a git revision has it.

`git:REV[:PATH]` reads the files from the repository at that revision with `git archive`
into a scratch folder — the working tree and the index are never touched — together with
the rules folder its `catalog.yaml` names. Findings point at `git:REV:path/file:line`.
"""

from __future__ import annotations

import io
import marshal
import multiprocessing
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import yaml

from dutylist import snapshot
from dutylist.checker import check_folder
from dutylist.errors import UsageError
from dutylist.findings import Finding, Severity
from dutylist.i18n import Lang
from dutylist.model import Catalog
from dutylist.session import BLOCKING_KINDS, Session, open_session, single_catalog

GIT_PREFIX = "git:"


PARALLEL_BYTES = 1 << 20  # from this much YAML on both sides, the old side is checked aside


@dataclass(frozen=True)
class Side:
    label: str  # as the user wrote it
    catalog: Catalog | None
    findings: list[Finding]

    @property
    def sound(self) -> bool:
        """Its model can be routed (no YAML, schema, reference or cycle errors)."""
        return self.catalog is not None and not any(
            f.kind in BLOCKING_KINDS and f.severity is Severity.ERROR for f in self.findings
        )


def is_git(spec: str) -> bool:
    return spec.startswith(GIT_PREFIX)


@contextmanager
def opened_pair(old: str, new: str) -> Iterator[tuple[Side, Side]]:
    """Both sides loaded and checked. A city-scale pair is checked on two cores: the old
    side in a second process, which sends its findings and its model (as the start-up
    snapshot encodes it) back."""
    with ExitStack() as stack:
        old_folder, old_shown = stack.enter_context(_folder(old, new))
        new_folder, new_shown = stack.enter_context(_folder(new, old))
        (old_catalog, old_findings), (new_catalog, new_findings) = _check_both(
            old_folder, new_folder
        )
        yield (
            Side(old, old_catalog, [_relocated(f, *old_shown) for f in old_findings]),
            Side(new, new_catalog, [_relocated(f, *new_shown) for f in new_findings]),
        )


@contextmanager
def opened_models(old: str, new: str, lang: Lang) -> Iterator[tuple[Session, Session]]:
    """Both sides' models for routing alone (`replay`): from the start-up snapshot when
    the files are unchanged, and a side with errors that block routing is a usage error
    that names them."""
    with ExitStack() as stack:
        old_folder, old_shown = stack.enter_context(_folder(old, new))
        new_folder, new_shown = stack.enter_context(_folder(new, old))
        yield (
            open_session(old_folder, lang, remember=old_shown[0] is None),
            open_session(new_folder, lang, remember=new_shown[0] is None),
        )


Checked = tuple[Catalog | None, list[Finding]]


def _check_both(old: Path, new: Path) -> tuple[Checked, Checked]:
    if _yaml_bytes(old) + _yaml_bytes(new) < PARALLEL_BYTES or (os.cpu_count() or 1) < 2:
        return _checked(old), _checked(new)
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        aside = pool.submit(check_encoded, str(old))
        here = _checked(new)
        try:
            encoded, findings = aside.result()
        except (BrokenProcessPool, OSError):
            return _checked(old), here
    catalog = snapshot.decode(marshal.loads(encoded)) if encoded is not None else None
    return (catalog, findings), here


def check_encoded(folder: str) -> tuple[bytes | None, list[Finding]]:
    """In the second process: the findings, and the model as the snapshot encodes it."""
    loaded, findings = check_folder(Path(folder))
    if loaded.catalog is None:
        return None, findings
    return marshal.dumps(snapshot.encode(loaded.catalog)), findings


def _checked(folder: Path) -> Checked:
    loaded, findings = check_folder(folder)
    return loaded.catalog, findings


def _yaml_bytes(folder: Path) -> int:
    total = 0
    for path in [*folder.glob("*.y*ml"), *folder.parent.parent.glob("rules/*/*.y*ml")]:
        with suppress(OSError):
            total += path.stat().st_size
    return total


@contextmanager
def _folder(spec: str, other: str) -> Iterator[tuple[Path, tuple[Path | None, str]]]:
    """The catalogue folder a side names, and how to show its files (a revision's are
    read into a scratch folder and shown as git:REV:path)."""
    if not is_git(spec):
        yield single_catalog(Path(spec)), (None, "")
        return
    revision, path = _git_spec(spec, other)
    top = _repository_top()
    with tempfile.TemporaryDirectory(prefix="dutylist-diff-") as scratch:
        root = Path(scratch)
        relative = _relative_to_top(path, top)
        _extract(top, revision, relative, root)
        rules = _rules_folder(root / relative, root)
        if rules is not None:
            _extract(top, revision, rules.relative_to(root).as_posix(), root, optional=True)
        folder = root / relative
        if not folder.is_dir():
            raise UsageError(
                f"{relative} is not a folder at revision {revision}",
                "name the catalogue folder: git:REV:catalogs/panlong",
            )
        yield folder, (root, f"{GIT_PREFIX}{revision}:")


def _git_spec(spec: str, other: str | None) -> tuple[str, str]:
    rest = spec[len(GIT_PREFIX) :]
    revision, _, path = rest.partition(":")
    if not revision:
        raise UsageError(f"'{spec}' names no revision", "write git:REV, e.g. git:HEAD~1")
    if not path:
        if other is None or is_git(other):
            raise UsageError(
                f"'{spec}' names no catalogue folder",
                "write git:REV:PATH, e.g. git:main:catalogs/panlong",
            )
        path = other
    return revision, path


def _git(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed", "install git, or compare two folders") from None


def _repository_top() -> Path:
    found = _git(["rev-parse", "--show-toplevel"])
    if found.returncode != 0:
        raise UsageError(
            "the current folder is not in a git repository",
            "run dutylist diff inside the repository, or compare two folders",
        )
    return Path(found.stdout.decode().strip())


def _relative_to_top(path: str, top: Path) -> str:
    absolute = Path(path).resolve() if not Path(path).is_absolute() else Path(path)
    try:
        return absolute.relative_to(top.resolve()).as_posix()
    except ValueError:
        # a path as the repository has it (the folder may not exist in the working tree)
        return PurePosixPath(path).as_posix()


def _extract(top: Path, revision: str, path: str, into: Path, optional: bool = False) -> None:
    found = _git(["archive", "--format=tar", revision, "--", path], cwd=top)
    if found.returncode != 0:
        if optional:
            return
        reason = found.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(
            f"git cannot read {path} at revision {revision}: {reason[-1] if reason else ''}",
            "check the revision (git log) and the path (git ls-tree REV PATH)",
        )
    with tarfile.open(fileobj=io.BytesIO(found.stdout)) as archive:
        archive.extractall(into, filter="data")  # no links out, no devices


def _rules_folder(folder: Path, root: Path) -> Path | None:
    """The rules folder the revision's catalog.yaml names, if it can be read."""
    try:
        text = (folder / "catalog.yaml").read_text("utf-8")
        named = yaml.safe_load(text).get("rules")
    except (OSError, yaml.YAMLError, AttributeError, UnicodeDecodeError):
        return None
    if not isinstance(named, str):
        return None
    target = Path(os.path.normpath(folder / named))
    return target if target.is_relative_to(root) else None  # only what the repository holds


def _relocated(finding: Finding, root: Path | None, shown: str) -> Finding:
    """A finding in the scratch folder, pointing at the revision's file instead."""
    if root is None:
        return finding
    file = finding.location.file
    for prefix in (str(root) + os.sep, os.path.relpath(root) + os.sep):
        if file.startswith(prefix):
            return replace(
                finding, location=replace(finding.location, file=shown + file[len(prefix) :])
            )
    return finding
