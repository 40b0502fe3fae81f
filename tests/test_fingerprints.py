"""Digests of values (speed/fingerprints.py): the same for equal values in any process, whatever
objects they share, and none for a value that has no digest that holds."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from site_builder.speed.fingerprints import Fingerprints, Unstable


@dataclass(frozen=True)
class Card:
    title: str
    tags: tuple[str, ...]
    seen: int = field(default=0, compare=False)


def test_equal_values_give_one_digest_whether_or_not_they_share_objects():
    word = "".join(["diplomacy"] * 2)
    other = "".join(["diplo", "macy"] * 2)
    assert word == other and word is not other
    assert Fingerprints().of((word, word, Card(word, (word,)))) == Fingerprints().of((word, other, Card(other,
                                                                                                      (word,))))


def test_a_value_that_holds_itself_has_no_digest_and_the_next_ones_still_do():
    prints = Fingerprints()
    looped: list = []
    looped.append(looped)
    with pytest.raises(Unstable):
        prints.of((Card("a", ()), looped))
    assert prints.of((Card("a", ()), "b")) == Fingerprints().of((Card("a", ()), "b"))
