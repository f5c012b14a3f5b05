"""The seed, card by card, against the splits in tests/seed_splits.py (written by hand)."""

import pytest

from conftest import CONTENT, SEED
from lossless import unaccounted
from seed_splits import SPLITS
from studyguide.read import read_guide


@pytest.fixture(scope="module")
def seed():
    return read_guide([SEED], base=SEED.parent)


def test_the_table_covers_every_card(seed):
    assert len(SPLITS) == 113
    assert [label for label, _, _ in SPLITS] == [card.label for card in seed.cards]


@pytest.mark.parametrize("label, question, answer", SPLITS, ids=[row[0] for row in SPLITS])
def test_card_splits_as_read_by_hand(seed, label, question, answer):
    card = next(c for c in seed.cards if c.label == label)
    assert (card.question, card.answer) == (question, answer)


def test_no_seed_text_is_lost(seed):
    assert unaccounted(seed, SEED) == []


def test_no_content_text_is_lost(guide):
    paths = sorted(CONTENT.glob("*.md"))
    assert len(paths) == 15
    for path in paths:
        assert unaccounted(guide, path) == [], path
