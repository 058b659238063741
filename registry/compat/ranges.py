"""Version ranges: PEP 440 specifiers and the npm forms the JS/TS ecosystem writes.

A range is parsed once into ``Range``: the raw text as written, a canonical PEP 440 text
(``normalized``) and one ``SpecifierSet`` per ``||`` alternative.  Grammar of one alternative:

- comparators separated by commas or whitespace are ANDed (``>=4.1,<5``, ``>=4.1 <5``);
- ``~=V``, ``==V``, ``!=V`` keep their PEP 440 meaning (``==4.1.*`` and ``==4.1.x`` work);
- ``^V`` and ``~V`` follow npm (``^0.2.3`` is ``>=0.2.3,<0.3.0``; ``~4.1`` is ``>=4.1.0,<4.2.0``);
- a bare or ``=``-prefixed version is exact when complete (``4.1.0``) and an x-range when partial
  (``4``, ``4.x``, ``4.1.*``, ``*``, ``x``);
- ``<``, ``<=``, ``>``, ``>=`` with a complete version are literal; with a partial version they
  follow npm x-range semantics unless the alternative uses commas (PEP 440 style), so ``<=4.1``
  is ``<4.2.0`` while ``>=4,<=4.1`` keeps PEP 440's literal ``<=4.1``;
- ``A - B`` is npm's inclusive hyphen range; a partial ``B`` includes its whole x-range;
- ``~>V`` is read as npm reads it: ``~V``.
A leading ``v`` (and npm's ``=``) before a version is accepted.  An npm prerelease tag that is
one number (``1.2.3-0``, ``1.2.3-4``) is a prerelease below every named one, in PEP 440
``1.2.3.dev0`` (``packaging`` alone would read ``1.2.3-0`` as the post-release
``1.2.3.post0``): ``>=1.0.0-0`` and ``^1.0.0-0`` include 1.0.0 and its prereleases.
Match-anything normalizes to ``*``.  ``Range.contains`` treats prereleases as contained when
they satisfy the specifiers: the channel rule (stable deployments never get prereleases) is
applied by the verdict, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

__all__ = [
    "ANY",
    "InvalidRange",
    "Range",
    "npm_prerelease",
    "parse_range",
    "parse_version",
    "range_contains",
]

ANY = "*"

_WILDCARDS = frozenset({"x", "X", "*"})
_OPERATOR = re.compile(r"^(~=|~>|===|==|!=|<=|>=|<|>|=|\^|~)?(.*)$")
# An operator followed by whitespace belongs to the next word (npm allows ">= 1.2.3").
_OPERATOR_SPACE = re.compile(r"(~=|~>|===|==|!=|<=|>=|<|>|\^|~|(?<![<>=!~])=)\s+")
# A complete npm version whose prerelease tag is one number: 1.2.3-0, v1.2.3-12.
_NUMERIC_PRERELEASE = re.compile(r"^(v?\d+\.\d+\.\d+)-(\d+)$", re.IGNORECASE)
_PARTIAL = re.compile(r"^(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$")


class InvalidRange(ValueError):
    """A version range that cannot be parsed; ``text`` is the input, ``reason`` says why."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"invalid version range {text!r}: {reason}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True)
class Range:
    """A parsed version range: raw text, canonical PEP 440 text and its OR-alternatives."""

    raw: str
    normalized: str
    alternatives: tuple[SpecifierSet, ...] = field(compare=False)

    def contains(self, version: Version | str) -> bool:
        """Whether ``version`` satisfies one alternative (prereleases included)."""
        if isinstance(version, str):
            version = parse_version(version)
        return any(spec.contains(version, prereleases=True) for spec in self.alternatives)

    def __str__(self) -> str:
        return self.raw


def range_contains(range_: Range, version: str) -> bool:
    """``Range.contains`` on version text; text that is no version (a commit SHA, garbage)
    satisfies no range."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    return range_.contains(parsed)


def parse_version(text: str) -> Version:
    """Parse a version a user gave for a component or module (a leading ``v`` is accepted;
    an npm numeric prerelease tag ``1.2.3-0`` is the prerelease ``1.2.3.dev0``).

    Raises ``packaging.version.InvalidVersion`` when it is no PEP 440 version.
    """
    cleaned = text.strip()
    if not cleaned:
        raise InvalidVersion("empty version")
    return Version(npm_prerelease(cleaned))


def npm_prerelease(text: str) -> str:
    """``text`` with an npm numeric prerelease tag written the PEP 440 way (``1.2.3-4`` ->
    ``1.2.3.dev4``); any other text unchanged.  In npm ``1.2.3-4`` is a prerelease of 1.2.3,
    below ``1.2.3-alpha``; PEP 440 reads ``1.2.3-4`` as a post-release, above 1.2.3."""
    match = _NUMERIC_PRERELEASE.match(text)
    return text if match is None else f"{match.group(1)}.dev{match.group(2)}"


def parse_range(text: str) -> Range:
    """Parse a PEP 440 or npm-style range into a ``Range``; raise ``InvalidRange`` on garbage."""
    stripped = text.strip()
    if not stripped:
        raise InvalidRange(text, "empty range")
    parts = [part.strip() for part in stripped.split("||")]
    if any(not part for part in parts):
        raise InvalidRange(text, "empty alternative around '||'")
    alternatives: list[SpecifierSet] = []
    texts: list[str] = []
    for part in parts:
        specifiers = _parse_alternative(text, part)
        joined = ",".join(specifiers)
        try:
            alternatives.append(SpecifierSet(joined))
        except InvalidSpecifier as exc:  # pragma: no cover - every piece was validated
            raise InvalidRange(text, str(exc)) from exc
        texts.append(joined or ANY)
    return Range(raw=text, normalized=" || ".join(texts), alternatives=tuple(alternatives))


def _parse_alternative(text: str, part: str) -> list[str]:
    """Return the PEP 440 specifiers (ANDed) of one ``||`` alternative."""
    pep_style = "," in part
    words = _OPERATOR_SPACE.sub(r"\1", part).replace(",", " ").split()
    if "-" in words:
        if pep_style or len(words) != 3 or words[1] != "-":
            raise InvalidRange(text, "a hyphen range needs one version on each side: 'A - B'")
        return _dedupe(_hyphen(text, words[0], words[2]))
    specifiers: list[str] = []
    for word in words:
        specifiers.extend(_comparator(text, word, pep_style))
    return _dedupe(specifiers)


def _dedupe(specifiers: list[str]) -> list[str]:
    return list(dict.fromkeys(specifiers))


def _comparator(text: str, word: str, pep_style: bool) -> list[str]:
    match = _OPERATOR.match(word)
    assert match is not None  # the pattern matches every string
    operator, operand = match.group(1) or "", match.group(2)
    if not operand:
        raise InvalidRange(text, f"operator {operator!r} needs a version")
    if operator == "===":
        raise InvalidRange(text, "arbitrary equality '===' is not supported")
    if operator in {"~=", "==", "!="}:
        return [_pep_specifier(text, operator, operand)]
    bound = _Bound.parse(text, operand)
    if operator == "^":
        return bound.caret()
    if operator in {"~", "~>"}:
        return bound.tilde()
    if operator in {"", "="}:
        return bound.exact_or_x_range()
    if pep_style and bound.version is None and not bound.wildcard:
        # PEP 440 style: "<=4.1" means up to 4.1.0 exactly, not npm's "<4.2.0".
        return [_pep_specifier(text, operator, operand)]
    return bound.compare(operator)


def _hyphen(text: str, low_text: str, high_text: str) -> list[str]:
    low = _Bound.parse(text, low_text)
    high = _Bound.parse(text, high_text)
    lower = [] if low.is_any else [f">={low.floor()}"]
    if high.is_any:
        return lower
    if high.version is not None:
        return [*lower, f"<={high.version}"]
    return [*lower, f"<{high.next_after_partial()}"]


def _pep_specifier(text: str, operator: str, operand: str) -> str:
    version = npm_prerelease(operand[1:] if operand[:1] in {"v", "V"} else operand)
    # npm writers sometimes put an x where PEP 440 wants a star (==4.1.x).
    if operator in {"==", "!="} and version[-2:] in {".x", ".X"}:
        version = version[:-1] + "*"
    candidate = f"{operator}{version}"
    try:
        return str(Specifier(candidate))
    except InvalidSpecifier:
        raise InvalidRange(text, f"{candidate!r} is no PEP 440 specifier") from None


@dataclass(frozen=True)
class _Bound:
    """One operand: either a complete version or a partial x-range like ``4``, ``4.1.x``."""

    text: str
    version: Version | None  # set when complete
    numbers: tuple[int, ...]  # the leading numeric parts of a partial version
    wildcard: bool = False  # an x, X or * was written

    @classmethod
    def parse(cls, text: str, operand: str) -> _Bound:
        cleaned = operand.lstrip("=")
        if cleaned[:1] in {"v", "V"}:
            cleaned = cleaned[1:]
        # npm ignores build metadata, and PEP 440 forbids local versions in ordered comparisons.
        cleaned = npm_prerelease(cleaned.split("+", 1)[0])
        partial = _PARTIAL.match(cleaned)
        if partial is not None:
            groups = [g for g in partial.groups() if g is not None]
            numbers: list[int] = []
            for group in groups:
                if group in _WILDCARDS:
                    break
                numbers.append(int(group))
            if len(numbers) == 3 and len(groups) == 3:
                return cls(text, Version(cleaned), ())
            wildcard_seen = len(numbers) < len(groups)
            if wildcard_seen and any(g not in _WILDCARDS for g in groups[len(numbers) :]):
                raise InvalidRange(text, f"{operand!r}: a number cannot follow a wildcard")
            return cls(text, None, tuple(numbers), wildcard_seen)
        try:
            return cls(text, Version(cleaned), ())
        except InvalidVersion:
            raise InvalidRange(text, f"{operand!r} is no version") from None

    @property
    def is_any(self) -> bool:
        return self.version is None and not self.numbers

    def floor(self) -> str:
        """The lowest version of the x-range (or the version itself)."""
        if self.version is not None:
            return str(self.version)
        return _dotted(self.numbers + (0,) * (3 - len(self.numbers)))

    def next_after_partial(self) -> str:
        """The first version above a partial x-range: ``4.1`` -> ``4.2.0``."""
        head = list(self.numbers)
        head[-1] += 1
        return _dotted(tuple(head) + (0,) * (3 - len(head)))

    def exact_or_x_range(self) -> list[str]:
        if self.version is not None:
            return [f"=={self.version}"]
        if self.is_any:
            return []
        return [f">={self.floor()}", f"<{self.next_after_partial()}"]

    def caret(self) -> list[str]:
        """npm caret: allow changes that keep the left-most non-zero part."""
        if self.is_any:
            return []
        if self.version is not None:
            release = self.version.release + (0,) * max(0, 3 - len(self.version.release))
            lower = str(self.version)
        else:
            release = self.numbers + (0,) * (3 - len(self.numbers))
            lower = self.floor()
        # Parts given explicitly decide how far a zero major/minor pins the range.
        given = len(release) if self.version is not None else len(self.numbers)
        major, minor, patch = release[0], release[1], release[2]
        if major > 0 or given == 1:
            upper = _dotted((major + 1, 0, 0))
        elif minor > 0 or given == 2:
            upper = _dotted((0, minor + 1, 0))
        else:
            upper = _dotted((0, 0, patch + 1))
        return [f">={lower}", f"<{upper}"]

    def tilde(self) -> list[str]:
        """npm tilde: patch changes when a minor is given, minor changes otherwise."""
        if self.is_any:
            return []
        if self.version is not None:
            release = self.version.release + (0,) * max(0, 3 - len(self.version.release))
            return [f">={self.version}", f"<{_dotted((release[0], release[1] + 1, 0))}"]
        if len(self.numbers) == 1:
            return [f">={self.floor()}", f"<{_dotted((self.numbers[0] + 1, 0, 0))}"]
        return [f">={self.floor()}", f"<{_dotted((self.numbers[0], self.numbers[1] + 1, 0))}"]

    def compare(self, operator: str) -> list[str]:
        """An ordered comparison; partial versions follow npm's x-range semantics."""
        if self.version is not None:
            return [f"{operator}{self.version}"]
        if self.is_any:
            if operator in {">=", "<="}:
                return []
            raise InvalidRange(self.text, f"'{operator}*' matches no version")
        if operator == ">=":
            return [f">={self.floor()}"]
        if operator == "<":
            return [f"<{self.floor()}"]
        if operator == ">":
            return [f">={self.next_after_partial()}"]
        return [f"<{self.next_after_partial()}"]  # "<="


def _dotted(parts: tuple[int, ...]) -> str:
    return ".".join(str(p) for p in parts)
