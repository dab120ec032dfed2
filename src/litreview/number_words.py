"""English number words and their values: a title's "three-year" or "twenty-four" (dedup compares the
numbers of two titles however written) and an abstract's "Forty-two patients" (the Results cell)."""

from __future__ import annotations

UNITS = {
    word: n
    for n, word in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"],
        start=1,
    )
}  # fmt: skip
TENS = {
    word: 10 * n
    for n, word in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=2
    )
}
