"""Show the answer while the model is still writing its JSON.

The model streams ``{"sufficient": true, "answer": "Refunds take…", "citations": [1]}``
token by token. :class:`AnswerDraft` reads those fragments and hands out only the text of
the ``answer`` string as it grows, unescaped, so a customer sees words, not JSON. The
schema puts ``sufficient`` first: once the model has said ``false``, nothing is shown,
because that answer will be replaced by the decline anyway.

This is a draft, never the reply: the generator still parses the whole JSON, the output
guard checks the whole answer, and the committed turn replaces whatever was shown.
"""

from __future__ import annotations

import json
import re

_ANSWER_KEY = re.compile(r'"answer"\s*:\s*"')
_SUFFICIENT = re.compile(r'"sufficient"\s*:\s*(true|false)')
_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}


class AnswerDraft:
    """Feed raw model text; get back the new characters of the ``answer`` value."""

    def __init__(self) -> None:
        self._raw = ""
        self._start: int | None = None  # index just after the opening quote of the value
        self._pos = 0  # next raw index to decode inside the value
        self._closed = False
        self.sufficient: bool | None = None
        self.text = ""  # the answer decoded so far

    def feed(self, fragment: str) -> str:
        self._raw += fragment
        if self.sufficient is None and (found := _SUFFICIENT.search(self._raw)):
            self.sufficient = found.group(1) == "true"
        if self._start is None:
            match = _ANSWER_KEY.search(self._raw)
            if match is None:
                return ""
            self._start = self._pos = match.end()
        new = self._decode()
        self.text += new
        return "" if self.sufficient is False else new

    def _decode(self) -> str:
        """Decode from ``_pos`` up to the closing quote or the last complete escape."""
        out: list[str] = []
        raw, i = self._raw, self._pos
        while i < len(raw) and not self._closed:
            char = raw[i]
            if char == '"':
                self._closed = True
                i += 1
                break
            if char != "\\":
                out.append(char)
                i += 1
                continue
            if i + 1 >= len(raw):
                break  # the escape continues in the next fragment
            code = raw[i + 1]
            if code == "u":
                if i + 6 > len(raw):
                    break
                sequence = raw[i : i + 6]
                # A surrogate pair is two escapes: wait for the second half.
                if sequence[2:].upper().startswith(("D8", "D9", "DA", "DB")):
                    if i + 12 > len(raw):
                        break
                    sequence = raw[i : i + 12]
                try:
                    out.append(json.loads(f'"{sequence}"'))
                except (json.JSONDecodeError, ValueError):
                    out.append("\ufffd")
                i += len(sequence)
                continue
            out.append(_SIMPLE_ESCAPES.get(code, code))
            i += 2
        self._pos = i
        return "".join(out)
