"""Which language a message is written in, and whether the model can read it.

The model and the trigger patterns were trained and written on English. A message in another
language still gets an answer, but its scores are not presented as confident and its
triggers come only from patterns (none are written for other languages yet). Detection is
lingua's, restricted to the languages support teams meet most, in its low-accuracy mode:
about 30 MB and a tenth of a millisecond a message. Short messages ("ok thanks") cannot be
told apart reliably: they are read as the model's own language.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# What the model was trained on.
SUPPORTED: frozenset[str] = frozenset({"en"})
# What is told apart: English and the languages support teams meet most.
DETECTED = (
    Language.ENGLISH,
    Language.SPANISH,
    Language.FRENCH,
    Language.GERMAN,
    Language.PORTUGUESE,
    Language.ITALIAN,
    Language.DUTCH,
    Language.POLISH,
    Language.TURKISH,
    Language.INDONESIAN,
    Language.RUSSIAN,
    Language.ARABIC,
    Language.HINDI,
    Language.CHINESE,
    Language.JAPANESE,
    Language.KOREAN,
    # Without them a Swedish message read as German, and the agent was offered German lines
    # (panel round 13); a language the bank lacks gets English lines and its own code.
    Language.SWEDISH,
    Language.DANISH,
    Language.BOKMAL,
    Language.FINNISH,
    Language.CZECH,
    Language.ROMANIAN,
    Language.HUNGARIAN,
    Language.GREEK,
    Language.UKRAINIAN,
    Language.VIETNAMESE,
)
# Below this many words, or this confidence, a message is not said to be in another language.
MIN_WORDS = 5
MIN_CONFIDENCE = 0.9
# Of a message's words, at least this share must be _ENGLISH's for them to settle it.
ENGLISH_SHARE = 0.1
# Words only English uses this much: two of them and a message is read as English whatever
# the detector says, since short English complaints ("this is a garbage response") are what
# it gets wrong most, and misreading English costs the customer the model's reading.
_ENGLISH = frozenset(
    "the is are was were my you your and to it this that for of not what why with have has "
    "do does don't can't can please thanks thank i i'm i've it's on at from will would".split()
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_NOISE = re.compile(r"https?://\S+|[@#]\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True, slots=True)
class MessageLanguage:
    code: str | None  # ISO 639-1; None when the message is too short to tell
    supported: bool
    confidence: float


# What a caller that does not detect gets: the model's own language.
ENGLISH = MessageLanguage("en", True, 1.0)


def language_of(text: str) -> MessageLanguage:
    """The message's language, as far as it can be told.

    >>> language_of("¿Dónde está mi pedido? Llevo dos semanas esperando.").code
    'es'
    """
    cleaned = _NOISE.sub(" ", text)
    # Chinese and Japanese write no spaces between words: count their characters instead.
    words = len(_WORD.findall(cleaned)) + len(_CJK.findall(cleaned)) // 2
    if words < MIN_WORDS:
        return MessageLanguage(None, True, 0.0)
    tokens = re.findall(r"[a-z']+", cleaned.casefold())
    english = sum(token in _ENGLISH for token in tokens)
    # A share as well as a count: "do" and "on" are Portuguese and French words too, and a
    # long email in either holds several of them.
    if english >= 2 and english >= ENGLISH_SHARE * len(tokens):
        return MessageLanguage("en", True, 1.0)
    best = _detector().compute_language_confidence_values(cleaned)[0]
    code = best.language.iso_code_639_1.name.lower()
    if best.value < MIN_CONFIDENCE:
        return MessageLanguage(None, True, round(best.value, 4))
    return MessageLanguage(code, code in SUPPORTED, round(best.value, 4))


def warm_up() -> None:
    """Build the detector now (start-up), not inside the first request that needs it."""
    _detector()


@functools.cache
def _detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(*DETECTED)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )
