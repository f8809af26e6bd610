"""`make fuzz` (scripts/fuzz.py) runs: a short campaign of every input kind, each started from
its real example, finds no traceback, no slow case and no overlong message."""

from __future__ import annotations

import pytest

from scripts.fuzz import fuzz, kinds


@pytest.mark.parametrize("kind", sorted(kinds()))
def test_a_short_campaign_of_each_input_kind_finds_nothing(kind):
    assert fuzz(kind, cases=20, seed=7) == []
