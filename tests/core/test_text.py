from hypothesis import given
from hypothesis import strategies as st

from dialgym.core.text import CHARSET, DialogueText, normalize_text

CHARS = frozenset(CHARSET)


def test_typography_is_folded_to_ascii():
    assert normalize_text("\u201cHi\u201d \u2014 it\u2019s fine\u2026") == '"Hi" - it\'s fine...'


def test_latin1_letters_are_kept_and_other_accents_folded():
    assert normalize_text("Caf\u00e9 na\u00efve") == "Caf\u00e9 na\u00efve"
    assert normalize_text("\u0141\u00f3d\u017a") == "\u00f3dz"  # Ł has no decomposition -> dropped


def test_emoji_and_other_scripts_become_spaces_between_words():
    assert normalize_text("good\U0001f600news") == "good news"
    assert normalize_text("\u4f60\u597d") == ""


def test_whitespace_is_tidied():
    assert normalize_text("  a\tb\r\nc\n\n\n\nd  ") == "a b\nc\n\nd"


def test_non_string_is_rejected_with_the_type():
    import pytest

    with pytest.raises(TypeError, match="int"):
        normalize_text(3)  # type: ignore[arg-type]


@given(st.text(max_size=300))
def test_normalized_text_is_always_in_charset(text):
    out = normalize_text(text)
    assert set(out) <= CHARS
    assert normalize_text(out) == out  # idempotent


def test_dialogue_text_contains_any_string_of_allowed_length():
    space = DialogueText(max_length=5, min_length=0, charset=CHARSET)
    assert space.contains("\U0001f600ab")
    assert space.contains("")
    assert not space.contains("toolong")
    assert not space.contains(b"bytes")
    assert space.contains(space.sample())
