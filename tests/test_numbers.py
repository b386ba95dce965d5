import pytest

from core.numbers import whole_number


@pytest.mark.parametrize(
    ("text", "digits", "expected"),
    [("125000", 9, 125000), (" 42 ", 9, 42), ("0", 9, 0), ("1234567890", 9, None), ("²", 9, None), ("٣", 9, None),
     ("①", 9, None), ("-1", 9, None), ("1.0", 9, None), ("", 9, None), (None, 9, None), ("9" * 5000, 9, None), ("32767", 5, 32767)],
)  # fmt: skip
def test_a_whole_number_is_plain_ascii_digits_within_its_length(text, digits, expected):
    assert whole_number(text, digits) == expected


def test_a_or_an_goes_by_the_first_sound():
    from core.words import a_or_an

    said = ("Key stage 2 file", "Ofsted file", "LA statistical neighbours", "GIAS extract", "SEN file", "UK file", "EES file")
    assert [a_or_an(w) for w in said] == [
        "a Key stage 2 file",
        "an Ofsted file",
        "an LA statistical neighbours",
        "a GIAS extract",
        "an SEN file",
        "a UK file",
        "an EES file",
    ]
