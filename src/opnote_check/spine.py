"""Spine arithmetic: the ordered vertebrae of ``patterns/levels.json`` and the interspaces between them.

No text here: the level scanner (levels.py) turns words into vertebrae, this module answers
questions about them ("the interspaces beside L4", "the level below L4-L5", "is T12-L1 lumbar").
A transitional L6 is counted only when a note names it.
"""

from __future__ import annotations

from functools import cached_property


class Spine:
    def __init__(self, vertebrae: list[str], transitional: list[str] = ()):
        self.vertebrae = tuple(vertebrae)
        self.transitional = tuple(transitional)
        self._sequences = {  # the vertebrae counted, with and without a transitional L6
            True: list(vertebrae),
            False: [v for v in vertebrae if v not in transitional],
        }
        self._order = {name: i for i, name in enumerate(vertebrae)}

    @staticmethod
    def interspace(upper: str, lower: str) -> str:
        return f"{upper}-{lower}"

    def knows(self, vertebra: str) -> bool:
        return vertebra in self._order

    def position(self, vertebra: str) -> int:
        return self._order[vertebra]

    def sequence(self, transitional: bool = False) -> list[str]:
        return self._sequences[bool(transitional)]

    @cached_property
    def all_interspaces(self) -> tuple[str, ...]:
        seq = self.vertebrae
        return tuple(self.interspace(a, b) for a, b in zip(seq, seq[1:]))

    def order(self, interspace: str) -> int:
        """Cranial to caudal position of an interspace (unknown ones last)."""
        known = self.all_interspaces
        return known.index(interspace) if interspace in known else len(known)

    def ordered(self, interspaces) -> tuple[str, ...]:
        return tuple(sorted(dict.fromkeys(interspaces), key=self.order))

    def adjacent_interspaces(self, vertebra: str, transitional: bool = False) -> tuple[str, ...]:
        """The interspaces above and below a vertebra, e.g. L4 -> (L3-L4, L4-L5)."""
        seq = self.sequence(transitional)
        if vertebra not in seq:
            return ()
        i = seq.index(vertebra)
        out = []
        if i > 0:
            out.append(self.interspace(seq[i - 1], vertebra))
        if i + 1 < len(seq):
            out.append(self.interspace(vertebra, seq[i + 1]))
        return tuple(out)

    def interspace_below(self, vertebra: str, transitional: bool = False) -> str | None:
        seq = self.sequence(transitional)
        if vertebra not in seq or seq.index(vertebra) + 1 >= len(seq):
            return None
        return self.interspace(vertebra, seq[seq.index(vertebra) + 1])

    def interspace_above(self, vertebra: str, transitional: bool = False) -> str | None:
        seq = self.sequence(transitional)
        if vertebra not in seq or seq.index(vertebra) == 0:
            return None
        return self.interspace(seq[seq.index(vertebra) - 1], vertebra)

    def neighbour(self, interspace: str, step: int, transitional: bool = False) -> str | None:
        """The interspace `step` levels caudal (+1) or cranial (-1) of one: L4-L5, +1 -> L5-S1."""
        upper, _, lower = interspace.partition("-")
        seq = self.sequence(transitional)
        if upper not in seq or lower not in seq:
            return None
        i = seq.index(upper) + step
        if i < 0 or i + 1 >= len(seq):
            return None
        return self.interspace(seq[i], seq[i + 1])

    def between(self, vertebrae: tuple[str, ...], transitional: bool = False) -> tuple[str, ...]:
        """Interspaces between consecutive vertebrae of a list ("L5 and S1" -> L5-S1)."""
        seq = self.sequence(transitional)
        known = sorted((v for v in set(vertebrae) if v in seq), key=seq.index)
        return tuple(
            self.interspace(a, b) for a, b in zip(known, known[1:]) if seq.index(b) == seq.index(a) + 1
        )

    def span(self, first: str, last: str) -> tuple[str, ...] | None:
        """The interspaces from vertebra `first` down to `last` ("L3", "S1" -> L3-L4, L4-L5, L5-S1)."""
        transitional = first in self.transitional or last in self.transitional
        seq = self.sequence(transitional)
        if first not in seq or last not in seq:
            return None
        i, j = seq.index(first), seq.index(last)
        if j <= i:
            return None
        return tuple(self.interspace(a, b) for a, b in zip(seq[i:j], seq[i + 1 : j + 1]))

    @staticmethod
    def is_lumbar_interspace(interspace: str) -> bool:
        upper, _, lower = interspace.partition("-")
        return upper.startswith("L") or (upper == "T12" and lower == "L1")
