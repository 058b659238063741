from pathlib import Path

import pytest

from registry.metadata.loader import (
    MAX_FILE_BYTES,
    Document,
    decode_bytes,
    format_path,
    parse_text,
    read_file_text,
)


def test_every_node_keeps_its_line_and_column() -> None:
    text = (
        "id: wetter\nrequires:\n  app: '>=4'\n  mainserver:\n    capabilities: [vouchers, search]\n"
    )
    document, problems = parse_text(text, "sva-module.yml")
    assert problems == []
    assert document is not None
    assert document.marks[("id",)] == (1, 1)
    assert document.marks[("requires", "app")] == (3, 3)
    assert document.marks[("requires", "mainserver", "capabilities", 1)] == (5, 30)
    # A path without its own mark falls back to the nearest ancestor.
    assert document.line_of(("requires", "mainserver", "range")) == 4


def test_format_path() -> None:
    assert format_path(("requires", "app")) == "requires.app"
    assert format_path(("maintainers", 0, "name")) == "maintainers[0].name"
    assert format_path(()) == ""


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("id: wetter\nname: [Wetter\nkind: x\n", 3, 5, "flow sequence"),
        ("a: 1\n\tb: 2\n", 2, 1, "tab"),
        ("a: 'unclosed\n", 2, 1, "quoted scalar"),
        ("a: 1\n---\nb: 2\n", 2, 1, "single document"),  # two documents in one file
        ("key: value: other\n", 1, 11, "mapping values are not allowed"),
    ],
)
def test_syntax_errors_report_line_and_column(
    text: str, line: int, column: int, words: str
) -> None:
    document, problems = parse_text(text, "x.yml")
    assert document is None
    assert [(p.line, p.column) for p in problems] == [(line, column)]
    assert words in problems[0].message
    assert problems[0].message.startswith("invalid YAML")


def test_duplicate_keys_are_reported_and_the_first_value_kept() -> None:
    text = "a: 1\nb:\n  c: x\n  c: y\na: 2\n"
    document, problems = parse_text(text, "x.yml")
    assert document is not None
    assert document.data == {"a": 1, "b": {"c": "x"}}
    assert [(p.line, p.field, p.message) for p in problems] == [
        (4, "b.c", "duplicate key 'c' (first at line 3)"),
        (5, "a", "duplicate key 'a' (first at line 1)"),
    ]


def test_duplicate_keys_in_json_are_reported() -> None:
    document, problems = parse_text('{"a": 1,\n "a": 2}', "x.json")
    assert document is not None
    assert document.data == {"a": 1}
    assert [(p.line, p.field) for p in problems] == [(2, "a")]


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_files_are_a_problem(text: str) -> None:
    document, problems = parse_text(text, "x.yml")
    assert document is None
    assert [p.message for p in problems] == ["empty file: no YAML document"]


def test_json_syntax_errors_report_json_positions() -> None:
    document, problems = parse_text('{\n  "a": 1,\n}', "x.json")
    assert document is None
    assert [(p.line, p.column) for p in problems] == [(3, 1)]
    assert problems[0].message.startswith("invalid JSON")


def test_json_that_yaml_cannot_read_still_loads_without_lines() -> None:
    # JSON escapes a character outside the BMP as a surrogate pair; YAML refuses that.
    document, problems = parse_text('{"a": ["\\ud83d\\ude00", 2]}', "x.json")
    assert problems == []
    assert document == Document("x.json", {"a": ["\U0001f600", 2]})
    assert document.line_of(("a",)) is None


def test_unquoted_dates_stay_text_and_numbers_keep_their_source_text() -> None:
    document, _ = parse_text("last_update: 2025-11-09\napp: 4.10\non: yes\n", "x.yml")
    assert document is not None
    assert document.data == {"last_update": "2025-11-09", "app": 4.1, "on": True}
    assert document.number_texts == {("app",): "4.10"}


def test_merge_keys_and_aliases() -> None:
    document, problems = parse_text(
        "base: &b {range: '>=4'}\nrequires:\n  app:\n    <<: *b\n    capabilities: [x]\n", "x.yml"
    )
    assert problems == []
    assert document is not None
    assert document.data["requires"]["app"] == {"range": ">=4", "capabilities": ["x"]}


def test_alias_bombs_are_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
    document, problems = parse_text("\n".join(lines) + "\n", "bomb.yml")
    assert document is None
    assert "too large" in problems[0].message


def test_unknown_tags_are_problems_with_a_line() -> None:
    document, problems = parse_text("a: 1\nb: !python/object x\n", "x.yml")
    assert document is not None
    assert [(p.line, p.field) for p in problems] == [(2, "b")]


def test_non_utf8_reports_line_and_column_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "sva-module.yml"
    path.write_bytes("id: wetter\nname: M\xe4ngel\n".encode("latin-1"))
    text, problems = read_file_text(path, "sva-module.yml")
    assert text is None
    assert [(p.line, p.column) for p in problems] == [(2, 8)]
    assert "not UTF-8" in problems[0].message
    assert "0xe4" in problems[0].message


def test_a_utf8_bom_is_dropped() -> None:
    text, problems = decode_bytes("\ufeffid: wetter\n".encode(), "x.yml")
    assert problems == []
    assert text == "id: wetter\n"


def test_a_10_mb_file_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sva-module.yml"
    with path.open("wb") as handle:
        handle.write(b"id: " + b"x" * (10 * 1024 * 1024))

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file must not be opened")

    monkeypatch.setattr(Path, "open", no_open)
    text, problems = read_file_text(path, "sva-module.yml")
    assert text is None
    assert len(problems) == 1
    assert problems[0].message == (
        f"file too large: {10 * 1024 * 1024 + 4} bytes (limit {MAX_FILE_BYTES} bytes)"
    )


def test_a_file_that_grows_after_stat_is_still_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.yml"
    path.write_bytes(b"a" * (MAX_FILE_BYTES + 10))
    real_stat = Path.stat

    class SmallStat:
        st_size = 10

    monkeypatch.setattr(
        Path, "stat", lambda self, **kw: SmallStat() if self == path else real_stat(self, **kw)
    )
    text, problems = read_file_text(path)
    assert text is None
    assert "file too large" in problems[0].message


def test_text_over_the_limit_is_refused_by_parse_text() -> None:
    document, problems = parse_text("a: " + "x" * MAX_FILE_BYTES, "x.yml")
    assert document is None
    assert "file too large" in problems[0].message


def test_a_missing_file_is_a_problem(tmp_path: Path) -> None:
    text, problems = read_file_text(tmp_path / "nope.yml")
    assert text is None
    assert "cannot read file" in problems[0].message


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    document, problems = parse_text("[" * 5000 + "]" * 5000, "deep.yml")
    assert document is None
    assert problems
