"""Read the Exec lines of a unit file back into argv lists, as systemd does (for tests).

Covers what composer writes: double-quoted words with `\\\\`, `\\"` and `\\n` escapes,
continuation lines, the `-` prefix, `%%`/`$$` and the specifiers %t, %n and %N.
"""

from __future__ import annotations

from pathlib import Path

_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}


def exec_lines(text: str, key: str) -> list[str]:
    """The values of every `key=` line, continuation lines joined."""
    joined = text.replace("\\\n", " ")
    prefix = f"{key}="
    return [line[len(prefix) :] for line in joined.splitlines() if line.startswith(prefix)]


def split_words(value: str) -> list[str]:
    words: list[str] = []
    index = 0
    while index < len(value):
        if value[index].isspace():
            index += 1
            continue
        word, index = _word(value, index)
        words.append(word)
    return words


def _word(value: str, index: int) -> tuple[str, int]:
    if value[index] != '"':
        end = index
        while end < len(value) and not value[end].isspace():
            end += 1
        return value[index:end], end
    out = []
    index += 1
    while value[index] != '"':
        if value[index] == "\\":
            out.append(_ESCAPES[value[index + 1]])
            index += 2
        else:
            out.append(value[index])
            index += 1
    return "".join(out), index + 1


def expand(word: str, unit: str, runtime_dir: Path) -> str:
    """systemd's specifiers and `$$` in one word."""
    out = []
    index = 0
    names = {"t": str(runtime_dir), "n": unit, "N": unit.rsplit(".", 1)[0], "%": "%"}
    while index < len(word):
        char = word[index]
        if char in "%$" and index + 1 < len(word):
            following = word[index + 1]
            if char == "%":
                out.append(names[following])
                index += 2
                continue
            if following == "$":
                out.append("$")
                index += 2
                continue
        out.append(char)
        index += 1
    return "".join(out)


def argvs(path: Path, key: str, runtime_dir: Path) -> list[list[str]]:
    """Each `key=` line of the unit file at `path` as the argv systemd would run."""
    result = []
    for value in exec_lines(path.read_text(), key):
        words = [expand(word, path.name, runtime_dir) for word in split_words(value)]
        if words and words[0].startswith("-"):
            words[0] = words[0][1:]  # `-`: a failure is ignored
        result.append(words)
    return result
