"""Answers already given, kept by what was asked: the world is immutable, so an answer is a pure
function of the question and the day it was asked on.

A what-if asked again (a dashboard polling the same question, the page re-asking after a click
back) is answered from here on the event loop, with no evaluation and no thread hop: the bytes
are the ones computed the first time. The key is the route, the day (a question without
``as_of`` means today, and ``as_of: today`` is allowed) and the body's exact bytes; the service
serves one world for its whole life, so the revision needs no place in the key. The cache is
bounded in entries and in bytes, least recently used out first, and only ever touched from the
event loop's thread, so it needs no lock. Refusals are never kept: they raise before ``put``.
"""

from __future__ import annotations

from collections import OrderedDict

__all__ = ["MAX_BYTES", "AnswerCache"]

#: Most bytes of answers kept, whatever the entry count: memory stays flat under any traffic. With
#: 1,024 entries of a few kilobytes (the default) the entry bound comes first, a few MiB in all: at
#: 4,096 the cache filling up was a 16% rise in resident memory between 10,000 and 100,000 requests.
MAX_BYTES = 16 << 20

Key = tuple[str, str, bytes]


class AnswerCache:
    """A bounded LRU of answer bytes; ``entries=0`` keeps nothing."""

    def __init__(self, entries: int, max_bytes: int = MAX_BYTES) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._kept: OrderedDict[Key, bytes] = OrderedDict()
        self._bytes = 0
        self.hits = self.misses = 0

    def get(self, key: Key) -> bytes | None:
        found = self._kept.get(key)
        if found is None:
            self.misses += 1
            return None
        self._kept.move_to_end(key)
        self.hits += 1
        return found

    def put(self, key: Key, answer: bytes) -> None:
        size = len(answer) + len(key[2])
        if not self.entries or size > self.max_bytes or key in self._kept:
            return
        self._kept[key] = answer
        self._bytes += size
        while len(self._kept) > self.entries or self._bytes > self.max_bytes:
            old, value = self._kept.popitem(last=False)
            self._bytes -= len(value) + len(old[2])

    def __len__(self) -> int:
        return len(self._kept)
