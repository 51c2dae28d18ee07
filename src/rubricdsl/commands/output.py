"""What every command shares about its output: whether stdout takes any character."""

from __future__ import annotations

import codecs
from typing import TextIO


def writes_unicode(stream: TextIO | None) -> bool:
    """Whether a stream can take any character: JSON for a GBK or ASCII console is written with
    \\u escapes instead, which keep it valid where a backslash fallback would not."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    return codecs.lookup(encoding).name.startswith("utf")
