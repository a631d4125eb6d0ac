"""Writing a file users read (a report, a schema, a formatted or updated rule or scenario file):
whole or not at all.

The one home of the temporary-file-then-rename dance, so a crash, a full disk or a reader in the
middle never sees half a file, and nothing but this module replaces a user's file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_whole"]


def write_whole(path: Path, text: str) -> None:
    """Replace (or create) ``path`` with ``text``: a temporary file beside it, synced, then renamed.

    A symbolic link is written through (the link stays a link); an existing file keeps its
    permissions. On any failure the temporary file is removed and the error raised: callers turn
    ``OSError`` into a located problem.
    """
    path = path.resolve()
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
