"""The order in which go-yaml prints the keys of a Go map (docker's YAML output uses it).

Not plain sorting: runs of digits compare by value (`A9` before `A10`), and after a digit a
letter sorts first while elsewhere a non-letter does (`_z` before `1a` before `A`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cmp_to_key


def _natural_less(a: str, b: str) -> bool:
    """go-yaml's order for string keys: letters first after digits, runs of digits by value."""
    digits = False
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            digits = ca.isdigit()
            continue
        a_letter, b_letter = ca.isalpha(), cb.isalpha()
        if a_letter and b_letter:
            return ca < cb
        if a_letter or b_letter:
            return a_letter if digits else b_letter
        a_num, a_end = _digit_run(a, i)
        b_num, b_end = _digit_run(b, i)
        if (ca == "0" or cb == "0") and _nonzero_digit_before(a, i):
            a_num, b_num = a_num + _leading_one(a, i), b_num + _leading_one(b, i)
        if a_num != b_num:
            return a_num < b_num
        if a_end != b_end:
            return a_end < b_end
        return ca < cb
    return len(a) < len(b)


def _digit_run(text: str, start: int) -> tuple[int, int]:
    value, end = 0, start
    while end < len(text) and text[end].isdigit():
        value = value * 10 + (ord(text[end]) - 48 if "0" <= text[end] <= "9" else 0)
        end += 1
    return value, end


def _nonzero_digit_before(text: str, index: int) -> bool:
    j = index - 1
    while j >= 0 and text[j].isdigit():
        if text[j] != "0":
            return True
        j -= 1
    return False


def _leading_one(text: str, index: int) -> int:
    # go-yaml seeds the number with 1 in this case, then multiplies by 10 per digit
    _, end = _digit_run(text, index)
    return int(10 ** (end - index))


def _compare(a: str, b: str) -> int:
    if a == b:
        return 0
    return -1 if _natural_less(a, b) else 1


_NATURAL_KEY = cmp_to_key(_compare)


def yaml_sorted(keys: Iterable[str]) -> list[str]:
    """Keys in the order go-yaml prints a Go map's keys."""
    keys = list(keys)
    if all(key.isascii() and key.isalpha() for key in keys):
        return sorted(keys)  # pure letters compare rune by rune: plain order
    return sorted(keys, key=_NATURAL_KEY)
