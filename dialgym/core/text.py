"""Text normalisation and the Text spaces that dialgym environments use.

Why this module exists: Gymnasium's ``spaces.Text`` checks every character of an
observation against a fixed charset. Agents (LLMs especially) emit accents, curly
quotes, emoji and other scripts; one such character would put the observation
outside the observation space. dialgym therefore

* accepts *any* Python ``str`` up to a maximum length as an action
  (:class:`DialogueText`, a documented permissive subclass of ``spaces.Text``), and
* normalises every utterance into a deliberate charset (:data:`CHARSET`: printable
  ASCII, newline and the Latin-1 letters) before it enters the dialogue history, so
  observations are always members of a plain ``spaces.Text(charset=CHARSET)``.

Normalisation is deterministic and cheap (a regex pass that only does work on the
characters outside the charset).
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Any

from gymnasium import spaces

#: Printable ASCII (without vertical tab, form feed and carriage return), newline,
#: and the Latin-1 supplement letters (accented Western-European letters).
CHARSET: str = "".join(c for c in string.printable if c not in "\t\r\x0b\x0c") + "".join(
    chr(c) for c in range(0xC0, 0x100) if chr(c).isalpha()
)
_CHARSET_SET = frozenset(CHARSET)

# Typographic characters that LLMs love, mapped to their ASCII cousins.
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\t": " ",
        "\r": "\n",
        "\x0b": "\n",
        "\x0c": "\n",
    }
)
_OUTSIDE = re.compile("[^" + re.escape(CHARSET) + "]+")
_SPACES = re.compile(r"[ ]{2,}")
_BLANK_LINES = re.compile(r"\n{3,}")


def _fold(match: re.Match[str]) -> str:
    """Replace a run of out-of-charset characters by their closest in-charset form.

    Accented letters outside Latin-1 lose their accents (NFKD, combining marks
    dropped); anything else (emoji, other scripts, control characters) becomes a
    space so that words on either side stay separate.
    """
    out = []
    for ch in match.group(0):
        decomposed = unicodedata.normalize("NFKD", ch)
        kept = "".join(c for c in decomposed if c in _CHARSET_SET)
        out.append(kept if kept else " ")
    return "".join(out)


def normalize_text(text: str) -> str:
    """Return ``text`` mapped into :data:`CHARSET`, whitespace tidied, ends stripped.

    >>> normalize_text("Caf\u00e9 \u201cgreat\u201d \U0001f600  ok\u2026")
    'Caf\u00e9 "great" ok...'
    """
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {type(text).__name__}: {text!r:.80}")
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").translate(_TRANSLATE)
    if not text.isascii() or _OUTSIDE.search(text):
        text = _OUTSIDE.sub(_fold, text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


class DialogueText(spaces.Text):
    """A ``spaces.Text`` that contains *every* ``str`` of an allowed length.

    Why: an agent's utterance is free text, and any string is a legal turn (the
    environment normalises it, see :func:`normalize_text`). A plain ``spaces.Text``
    would reject an emoji. ``charset`` still defines what :meth:`sample` draws (and
    what serialisers such as Minari record); :meth:`contains` only checks the type
    and the length.
    """

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    def __repr__(self) -> str:
        return f"DialogueText({self.min_length}, {self.max_length})"
