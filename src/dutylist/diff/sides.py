"""One side of a diff: a catalogue folder, or a catalogue as a git revision has it.

`git:REV[:PATH]` reads the files from the repository at that revision with `git archive`
into a scratch folder — the working tree and the index are never touched — together with
the rules folder its `catalog.yaml` names. Findings point at `git:REV:path/file:line`.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import yaml

from dutylist.checker import check_folder
from dutylist.errors import UsageError
from dutylist.findings import Finding, Severity
from dutylist.load.build import Loaded
from dutylist.session import BLOCKING_KINDS, single_catalog

GIT_PREFIX = "git:"


@dataclass(frozen=True)
class Side:
    label: str  # as the user wrote it
    loaded: Loaded
    findings: list[Finding]

    @property
    def sound(self) -> bool:
        """Its model can be routed (no YAML, schema, reference or cycle errors)."""
        return self.loaded.catalog is not None and not any(
            f.kind in BLOCKING_KINDS and f.severity is Severity.ERROR for f in self.findings
        )


def is_git(spec: str) -> bool:
    return spec.startswith(GIT_PREFIX)


@contextmanager
def opened(spec: str, other: str | None = None) -> Iterator[Side]:
    """The side `spec` names, loaded and checked; `other` (the other side's spec) gives
    the path of a bare `git:REV`."""
    if not is_git(spec):
        folder = single_catalog(Path(spec))
        loaded, findings = check_folder(folder)
        yield Side(spec, loaded, findings)
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
        loaded, findings = check_folder(folder)
        shown = f"{GIT_PREFIX}{revision}:"
        yield Side(spec, loaded, [_relocated(f, root, shown) for f in findings])


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


def _relocated(finding: Finding, root: Path, shown: str) -> Finding:
    """A finding in the scratch folder, pointing at the revision's file instead."""
    file = finding.location.file
    for prefix in (str(root) + os.sep, os.path.relpath(root) + os.sep):
        if file.startswith(prefix):
            return replace(
                finding, location=replace(finding.location, file=shown + file[len(prefix) :])
            )
    return finding
