"""The render's memo: a value once per render, a value per object kept while its owner keeps it."""

from __future__ import annotations

from site_builder.render.memo import Memo


def test_a_value_is_made_once_per_render_for_the_same_objects():
    made = []

    def count(items):
        made.append(items)
        return len(items)

    first, other = [1, 2], [1, 2]
    memo = Memo()
    assert [memo.value(count, first), memo.value(count, first), memo.value(count, other)] == [2, 2, 2]
    assert made == [first, other]  # equal but another object: made again
    assert memo.value(count, first) == 2 and made == [first, other]  # each kept, not the last only
    assert Memo().value(count, first) == 2 and len(made) == 3  # a new render starts again


def test_a_value_of_one_object_lives_in_the_kept_dict_its_owner_passes_on():
    made = []

    def title(event):
        made.append(event)
        return event["title"].upper()

    event, kept = {"title": "a"}, {}
    assert Memo(kept).of(title, event) == "A"
    assert Memo(kept).of(title, event) == "A" and made == [event]  # the next render: kept
    assert Memo().of(title, event) == "A" and made == [event, event]  # nothing passed on: made again


def test_a_value_alike_is_made_again_only_when_its_argument_changes():
    made = []

    def double(chart):
        made.append(chart)
        return chart * 2

    kept = {}
    assert Memo(kept).alike(double, (1, 2)) == (1, 2, 1, 2)
    assert Memo(kept).alike(double, (1, 2)) == (1, 2, 1, 2) and len(made) == 1
    assert Memo(kept).alike(double, (3,)) == (3, 3) and len(made) == 2
