"""Sets of states as Python integers: bit *i* is the state with index *i* (index order is code order).

Set algebra on ints runs in C, so a check over every state is a handful of operations.
"""

from __future__ import annotations

__all__ = ["bits", "set_pair"]

_BYTE_BITS: tuple[tuple[int, ...], ...] = tuple(tuple(b for b in range(8) if v >> b & 1) for v in range(256))


def bits(mask: int) -> list[int]:
    """Indexes of the set bits, lowest first."""
    if mask.bit_count() < 8:
        out = []
        while mask:
            low = mask & -mask
            out.append(low.bit_length() - 1)
            mask ^= low
        return out
    # Dense masks: a byte at a time through a table beats peeling one bit at a time.
    out = []
    base = 0
    for byte in mask.to_bytes((mask.bit_length() + 7) // 8, "little"):
        if byte:
            out.extend([base + b for b in _BYTE_BITS[byte]])
        base += 8
    return out


def set_pair(rows: list[int], i: int, j: int, value: bool) -> None:
    """Set or clear a symmetric fact (relations, conflict) between states ``i`` and ``j``."""
    if value:
        rows[i] |= 1 << j
        rows[j] |= 1 << i
    else:
        rows[i] &= ~(1 << j)
        rows[j] &= ~(1 << i)
