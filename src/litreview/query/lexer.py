"""Cut one line of a search strategy into tokens (words, phrases, field tags and codes of
each syntax, operators, parentheses), with a diagnostic for each problem, at its column."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from litreview.query.dialects import EMBASE_CODES, OVID_CODES, PUBMED_TAGS

QUOTES = {'"': '"', "'": "'", "“": "”", "”": "”", "‘": "’", "’": "’", "„": "“"}

OP_WORDS = {"and": "AND", "or": "OR", "not": "NOT"}
_NEAR = re.compile(r"^(?:adj(\d*)|near/?(\d+)|next/(\d+)|w/(\d+)|pre/(\d+))$", re.IGNORECASE)
_OVID_FIELD = re.compile(r"\.((?:[a-z]{2})(?:,[a-z]{2,3})*)\.?(?=$|[\s)])", re.IGNORECASE)
_SPACED_FIELD = re.compile(r"\.\s+((?:[a-z]{2})(?:,[a-z]{2,3})*)\.(?=$|[\s)])", re.IGNORECASE)
_EMBASE_FIELD = re.compile(r":((?:[a-z]{2,3})(?:,[a-z]{2,3})*)(?=$|[\s)])", re.IGNORECASE)
_EMBASE_YEARS = re.compile(r"\[(\d{4})\s*-\s*(\d{4})\]/py\b", re.IGNORECASE)
_WORD_END = set(' \t()[]"“”')


@dataclass(frozen=True)
class Diagnostic:
    """One finding about a query, with a stable code and where it is."""

    severity: str  # error | warning | info
    code: str
    message: str
    line: int
    column: int
    excerpt: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }


@dataclass
class Token:
    kind: str  # LP RP WORD PHRASE OP NEAR FIELD SLASH
    value: str
    line: int
    column: int
    fields: tuple[str, ...] = ()
    distance: int = 0
    proximity: bool = False  # a PubMed [tiab:~N] tag (N may be 0)
    joined: bool = False  # no whitespace before this token


def caret(source_line: str, column: int) -> str:
    return f"  {source_line}\n  {' ' * max(column - 1, 0)}^"


class Lexer:
    def __init__(self, text: str, line: int, syntax: str, diags: list[Diagnostic], source: str):
        # ``text`` may have its line number or label blanked out; ``source`` is the line as written.
        self.text, self.line, self.syntax, self.diags, self.source = text, line, syntax, diags, source

    def diag(self, severity: str, code: str, message: str, column: int) -> None:
        self.diags.append(Diagnostic(severity, code, message, self.line, column, caret(self.source, column)))

    def tokens(self) -> list[Token]:
        text, out, i, n = self.text, [], 0, len(self.text)
        while i < n:
            ch = text[i]
            joined = i > 0 and not text[i - 1].isspace()
            col = i + 1
            if ch.isspace():
                i += 1
            elif ch in "()":
                out.append(Token("LP" if ch == "(" else "RP", ch, self.line, col, joined=joined))
                i += 1
            elif ch in QUOTES and (not joined or text[i - 1] in "(" or ch not in "'’"):
                close = QUOTES[ch]
                end = self._find_close(text, i + 1, ch, close)
                if end < 0 and joined:
                    self.diag("warning", "W002", f"stray quote {ch} after a word: no opening quote", col)
                    i += 1
                elif end < 0:
                    self.diag("error", "E002", f"unbalanced quote {ch}: no closing {close}", col)
                    out.append(Token("PHRASE", text[i + 1 :].strip(), self.line, col, joined=joined))
                    i = n
                else:
                    phrase = canonical_wildcards(text[i + 1 : end], self.syntax)
                    out.append(Token("PHRASE", phrase, self.line, col, joined=joined))
                    i = end + 1
            elif ch == "<" and (end := text.find(">", i)) > i:
                # Polyglot's "<RCT Filter>" templates stand for whole filters: not search syntax.
                self.diag("error", "E007", f"template {text[i : end + 1]} is not search syntax: "
                          "paste the filter's own lines", col)  # fmt: skip
                i = end + 1
            elif ch == "[" and (m := _EMBASE_YEARS.match(text, i)):  # Embase.com: [2007-3000]/py
                out.append(Token("WORD", f"{m.group(1)}:{m.group(2)}", self.line, col, joined=joined))
                out.append(Token("FIELD", "py", self.line, col, fields=("dp",), joined=True))
                i = m.end()
            elif ch == "[":
                end = text.find("]", i)
                if end < 0:
                    self.diag("error", "E006", "field tag opened with [ is never closed", col)
                    i = n
                    continue
                if out and out[-1].kind == "SLASH":  # "exp Dementia/bl, cf [Blood, ...]": a note
                    out.append(Token("COMMENT", text[i + 1 : end], self.line, col, joined=joined))
                else:
                    out.append(self._pubmed_tag(text[i + 1 : end].strip(), col, joined))
                i = end + 1
            elif ch == "/" and out and out[-1].kind in ("WORD", "PHRASE", "RP") and joined:
                match = re.match(r"/([a-z]{2,3}(?:,\s*[a-z]{2})*)?(?=$|[\s)\[])", text[i:], re.IGNORECASE)
                sub = re.sub(r"\s+", "", (match.group(1) or "")) if match else ""
                out.append(Token("SLASH", sub.lower(), self.line, col, joined=True))
                i += len(match.group(0)) if match else 1
            elif (ch == "." and out and out[-1].kind == "RP" and (m := _SPACED_FIELD.match(text, i))) or (
                ch == "."
                and (joined or (out and out[-1].kind in ("WORD", "PHRASE", "RP")))
                and (m := _OVID_FIELD.match(text, i))
            ):  # "term.tw.", "term .tw." and "(a or b). ti,ab."
                out.append(self._field(m.group(1), OVID_CODES, col, "ovid"))
                i = m.end()
            elif ch == ":" and joined and (m := _EMBASE_FIELD.match(text, i)):
                out.append(self._field(m.group(1), EMBASE_CODES, col, "embase"))
                i = m.end()
            else:
                j = i
                while j < n and text[j] not in _WORD_END:
                    if text[j] == "." and _OVID_FIELD.match(text, j):
                        break
                    if text[j] == ":" and _EMBASE_FIELD.match(text, j) and j > i:
                        break
                    if text[j] == "/" and j > i and not re.match(r"/\d", text[j:]):
                        break
                    j += 1
                word = text[i:j]
                if not word:
                    j = i + 1
                    word = text[i]
                out.append(self._word(word, col, joined))
                i = j
        return out

    @staticmethod
    def _find_close(text: str, start: int, opener: str, close: str) -> int:
        for k in range(start, len(text)):
            if text[k] == close or (opener in "“”" and text[k] == '"') or (opener == '"' and text[k] == "”"):
                return k
        return -1

    def _word(self, word: str, col: int, joined: bool) -> Token:
        low = word.lower()
        if low in OP_WORDS:
            return Token("OP", OP_WORDS[low], self.line, col, joined=joined)
        near = _NEAR.match(word)
        if near:
            # Canonical distance = most words allowed between: Ovid adjN allows N-1, the rest N.
            digits = next((g for g in near.groups() if g), "")
            distance = int(digits) if digits else 1
            if near.group(0).lower().startswith("adj"):
                distance = max(distance - 1, 0)
            return Token("NEAR", low, self.line, col, distance=distance, joined=joined)
        return Token("WORD", canonical_wildcards(word, self.syntax), self.line, col, joined=joined)

    def _pubmed_tag(self, raw: str, col: int, joined: bool) -> Token:
        tag = raw.lower().strip()
        prox = re.fullmatch(r"(tiab|ti|ab|title/abstract|title|abstract):~\s*(\d+)", tag)
        if prox:
            fields = PUBMED_TAGS.get(prox.group(1), ("tiab",))
            return Token(
                "FIELD",
                raw,
                self.line,
                col,
                fields=fields,
                distance=int(prox.group(2)),
                proximity=True,
                joined=joined,
            )
        if "=" in tag:  # Ovid's "[mp=title, abstract, ...]" annotation: a comment
            return Token("COMMENT", raw, self.line, col, joined=joined)
        if tag in PUBMED_TAGS:
            return Token("FIELD", raw, self.line, col, fields=PUBMED_TAGS[tag], joined=joined)
        self.diag("warning", "W101", f"unknown field tag [{raw}]; searched as all fields", col)
        return Token("FIELD", raw, self.line, col, fields=("all",), joined=joined)

    def _field(self, codes: str, table: Mapping[str, tuple[str, ...]], col: int, syntax: str) -> Token:
        low = codes.lower()
        parts = low.split(",")
        if set(parts) == {"ti", "ab"}:
            return Token("FIELD", codes, self.line, col, fields=("tiab",))
        fields: list[str] = []
        for part in parts:
            if part in table:
                fields.extend(f for f in table[part] if f not in fields)
            else:
                self.diag("warning", "W101", f"unknown {syntax} field code .{part}.", col)
                fields.append("all")
        if {"ti", "ab"} <= set(fields):
            fields = ["tiab", *[f for f in fields if f not in ("ti", "ab")]]
        return Token("FIELD", codes, self.line, col, fields=tuple(fields))


def canonical_wildcards(word: str, syntax: str) -> str:
    """Write wildcards in one notation: ``*`` any ending, ``$N`` up to N letters, ``?`` zero or one
    letter, ``#`` exactly one letter (Ovid's, except that Ovid's bare ``$`` becomes ``*``).

    Embase.com writes one letter as ``?`` and zero-or-one as ``$``.
    """
    if syntax == "embase":
        return word.translate({ord("?"): "#", ord("$"): "?"})
    return re.sub(r"\$(?!\d)", "*", word)
