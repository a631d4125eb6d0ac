"""The world cache: a world folder's parsed documents kept on disk, so a one-shot command that
names an unchanged world skips parsing its YAML.

What is kept is what ``yaml12`` makes of each file (plain data and the position of every value),
in JSON: pure data, which no reader can execute (SPEC: nothing executable in any file or cache).
Everything after parsing (schema validation, the semantic pass, compilation) runs on the kept
documents exactly as on freshly parsed ones, so an answer from the cache is the fresh answer.

An entry is keyed by the content hash of every world and rules file (``folder_revision``), the
cache's format and accede's version: content decides validity, never a modification time. An
entry is written whole (``write_whole``: a temporary file beside it, synced, renamed), so two
processes writing the same entry both succeed and a reader never sees half of one. A missing,
corrupt, truncated or foreign entry is a miss, and is rewritten; an unwritable cache folder is
no cache at all. The caller stores only a world that compiled without problems.

Where: ``ACCEDE_CACHE_DIR``, else ``$XDG_CACHE_HOME/accede``, else ``~/.cache/accede``;
``ACCEDE_CACHE=off`` (or the command line's ``--no-cache``) turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from engine.reading.loader import display, read_document
from engine.reading.writing import write_whole
from engine.reading.yaml12 import Document, Path_

__all__ = ["FORMAT", "Reading", "WorldCache"]

#: The layout of an entry. Bump it whenever an entry's content changes meaning: what ``yaml12``
#: produces for a file, or how this module writes it.
FORMAT = 1

#: Entries kept beyond the one just written: a folder edited often leaves one per revision.
KEEP = 16

#: Values of ``ACCEDE_CACHE`` that turn the cache off.
OFF = frozenset({"off", "0", "false", "no"})


@cache
def _version() -> str:
    # Asked once per process: looking a distribution up costs a few milliseconds each time.
    try:
        return metadata.version("accede")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


@dataclass
class Reading:
    """A world folder's documents as ``load_world_folder`` reads them: from a cache entry when there
    is one, else parsed, and recorded for storing."""

    kept: Mapping[str, tuple[Any, str]] = field(default_factory=dict)
    #: Every document read, by path (what ``WorldCache.store`` writes).
    documents: dict[Path, Document] = field(default_factory=dict)

    def read(self, path: Path) -> Document:
        found = self.kept.get(os.path.normpath(path))
        if found is None:
            doc = read_document(path)
        else:
            data, positions = found
            doc = Document(display(path), data, _Positions(positions))
        self.documents[path] = doc
        return doc


@dataclass(frozen=True)
class WorldCache:
    """Parsed world documents on disk, in ``folder`` (see the module docstring)."""

    folder: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> WorldCache | None:
        """The cache the environment asks for, or None when it is turned off."""
        if environ.get("ACCEDE_CACHE", "").strip().lower() in OFF:
            return None
        named = environ.get("ACCEDE_CACHE_DIR")
        if named:
            return cls(Path(named))
        xdg = environ.get("XDG_CACHE_HOME", "")
        # The XDG base directory spec: a relative value is invalid and is ignored.
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
        return cls(base / "accede")

    def _entry(self, revision: str) -> Path:
        key = hashlib.sha256(f"{FORMAT}\0{_version()}\0{revision}".encode()).hexdigest()[:32]
        return self.folder / f"world-{key}.json"

    def reading(self, world: Path, revision: str) -> Reading | None:
        """The kept documents of ``world`` at ``revision``, or None (a miss, for whatever reason)."""
        try:
            path = self._entry(revision)
            if hasattr(os, "getuid") and path.stat().st_uid != os.getuid():
                # Another user's file (a shared ACCEDE_CACHE_DIR): its documents are not trusted to be the files'.
                return None
            entry = json.loads(path.read_bytes())
            if not (
                isinstance(entry, dict)
                and entry.get("format") == FORMAT
                and entry.get("accede") == _version()
                and entry.get("revision") == revision
            ):
                return None
            kept: dict[str, tuple[Any, str]] = {}
            for rel, data, positions in entry["documents"]:
                if not (isinstance(rel, str) and isinstance(positions, str)):
                    return None
                kept[os.path.normpath(world / rel)] = (data, positions)
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            # Missing, unreadable, truncated or not ours: read the files instead, and rewrite it.
            return None
        return Reading(kept)

    def store(self, world: Path, revision: str, documents: Mapping[Path, Document]) -> None:
        """Keep the documents of ``world`` at ``revision`` (which must have compiled without
        problems). Any failure to write leaves the cache as it was: it is an optimisation only."""
        entry = {
            "format": FORMAT,
            "accede": _version(),
            "revision": revision,
            "documents": [
                [os.path.relpath(path, world), doc.data, _encode_positions(doc.positions)]
                for path, doc in documents.items()
            ],
        }
        try:
            # Strict JSON: a value JSON cannot hold exactly (NaN, an enormous integer) is not cached.
            text = json.dumps(entry, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except ValueError:
            return
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the XDG spec's mode for its folders
            write_whole(self._entry(revision), text)
            self._prune()
        except (OSError, UnicodeError):  # text UTF-8 cannot hold: libyaml refuses it, so a guard only
            return

    def _prune(self) -> None:
        """Drop all but the newest entries (stale revisions of edited worlds)."""
        entries = sorted(self.folder.glob("world-*.json"), key=_mtime, reverse=True)
        for old in entries[KEEP + 1 :]:
            old.unlink(missing_ok=True)


def _encode_positions(positions: Mapping[Path_, tuple[int, int]]) -> str:
    # A JSON text inside the entry: the entry's reader passes over one string instead of building
    # a list per value, and only a problem to locate decodes it (``_Positions``).
    return json.dumps([[*path, *at] for path, at in positions.items()], ensure_ascii=False, separators=(",", ":"))


class _Positions(Mapping[Path_, tuple[int, int]]):
    """A kept document's positions, decoded the first time one is asked for: a world without
    problems is answered without ever locating a value in its files."""

    __slots__ = ("_decoded", "_encoded")

    def __init__(self, encoded: str) -> None:
        self._encoded = encoded
        self._decoded: dict[Path_, tuple[int, int]] | None = None

    @property
    def _all(self) -> dict[Path_, tuple[int, int]]:
        if self._decoded is None:
            try:
                items = json.loads(self._encoded)
                self._decoded = {tuple(p[:-2]): (int(p[-2]), int(p[-1])) for p in items}
            except (ValueError, TypeError, IndexError, RecursionError):
                self._decoded = {}  # a damaged entry costs locations, never an answer
        return self._decoded

    def __getitem__(self, path: Path_) -> tuple[int, int]:
        return self._all[path]

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
