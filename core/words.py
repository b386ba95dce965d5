"""Plain words for messages and pages. No Django."""

from collections.abc import Sequence


def listed(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


# Unicode's FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: plain text's <bdi>.
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def isolated(words: str) -> str:
    """`words` (a name, or what a person typed) isolated from the plain text that quotes them, as <bdi> isolates them in
    HTML: written right to left, they do not reorder the words around them. For text that cannot hold markup: a page's
    title, a drop-down's option, an error summary's message."""
    return f"{FIRST_STRONG_ISOLATE}{words}{POP_DIRECTIONAL_ISOLATE}"


def unisolated(words: str) -> str:
    """`words` without the marks `isolated` put in them: for a terminal, which may show each as a box."""
    return words.replace(FIRST_STRONG_ISOLATE, "").replace(POP_DIRECTIONAL_ISOLATE, "")


def how_many(count: int, thing: str) -> str:
    """'1 row', '1,432 rows': a count and what it counts, with an s for any number but one."""
    return f"1 {thing}" if count == 1 else f"{count:,} {thing}s"


def as_sentence(words: str) -> str:
    """`words` ending with a full stop, unless they end with one already (or with ? ! or …): what a person typed."""
    words = words.rstrip()
    return words if words.endswith((".", "?", "!", "…")) else f"{words}."


def a_or_an(words: str) -> str:
    """'a Key stage 2 file', 'an Ofsted file', 'an LA file': by the first word's sound, an initialism's by its letter's name."""
    first = words.split()[0] if words.strip() else ""
    # An initialism is said letter by letter: "an LA", "an SEN", "a UK", "a GIAS".
    initialism = len(first) > 1 and first.isupper()
    sounds_vowel = first[0] in "AEFHILMNORSX" if initialism else first[:1].lower() in ("a", "e", "i", "o", "u")
    return f"{'an' if sounds_vowel else 'a'} {words}"


def duration(seconds: float) -> str:
    """A length of time as people say it, to the second: 'an hour', '8 hours', '90 minutes', 'a minute', '30 seconds';
    one not of whole minutes with its seconds, 'a minute and 30 seconds', 'an hour and 30 seconds' (a setting such as
    the session's 90 seconds was said to be 2 minutes)."""
    whole = int(seconds + 0.5)  # to the nearest second, a half up (Python's round takes 2.5 to 2)
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return "1 second" if rest == 1 else f"{rest} seconds"
    if minutes % 60 == 0:
        words = "an hour" if minutes == 60 else f"{minutes // 60} hours"
    else:
        words = "a minute" if minutes == 1 else f"{minutes} minutes"
    return f"{words} and {duration(rest)}" if rest else words
