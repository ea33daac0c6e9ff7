"""RFC 8785 (JCS) canonical JSON for ledger leaves: the subset without floating-point numbers.

Why our own ~40 lines instead of the `rfc8785` package: ledger leaves only ever hold strings,
integers, booleans, null, lists and objects, and the single-file verifier that procurers run must
canonicalise with the standard library alone, so it carries this same code. The one hard part of
JCS, ECMAScript number formatting, only concerns non-integers; we refuse those (and integers
beyond ±(2**53 − 1), which a JavaScript verifier could not hold exactly) instead of formatting
them. What remains is exactly RFC 8785:

- objects: members sorted by the UTF-16 code units of their names, no whitespace;
- strings: UTF-8, escaping only `"`, `\\` and control characters (\\b \\t \\n \\f \\r, else
  \\u00xx in lowercase hex), as ECMAScript's JSON.stringify does; lone surrogates are an error;
- integers in plain decimal; `true`, `false`, `null`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalJSONError(ValueError):
    """The value holds something our canonical JSON does not represent."""


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of `value`."""
    parts: list[str] = []
    _write(value, parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalJSONError("strings must be valid Unicode (no lone surrogates)") from exc


def _write(value: Any, out: list[str]) -> None:
    # bool before int: True is an int in Python.
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise CanonicalJSONError(f"integer {value} is outside the exactly representable range")
        out.append(str(int(value)))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    elif isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalJSONError("object member names must be strings")
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    else:
        raise CanonicalJSONError(f"{type(value).__name__} values are not allowed in a ledger leaf")


def _string(s: str) -> str:
    # json.dumps(ensure_ascii=False) escapes exactly what JSON.stringify escapes, in lowercase hex.
    return json.dumps(s, ensure_ascii=False)


def _utf16_key(name: str) -> bytes:
    try:
        return name.encode("utf-16-be")
    except UnicodeEncodeError as exc:
        raise CanonicalJSONError("member names must be valid Unicode") from exc
