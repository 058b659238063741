"""Invariants of the line-keeping loader, checked on generated documents."""

import json

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.metadata.loader import format_path, parse_text

keys = st.from_regex(r"[a-z][a-zA-Z0-9_-]{0,12}", fullmatch=True)
scalars = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.booleans(),
    st.none(),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=25,
).filter(lambda value: isinstance(value, dict) and value)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


@settings(max_examples=60, deadline=None)
@given(documents)
def test_yaml_round_trips_and_every_key_is_on_its_line(data: dict) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    document, problems = parse_text(text, "x.yml")
    assert problems == []
    assert document is not None
    # Equal to what PyYAML itself reads (which is not always `data`: a "\x85" in a text is a
    # line break to YAML and comes back as a space).
    assert document.data == yaml.safe_load(text)
    lines = text.splitlines()
    for path in _paths(data):
        mark = document.mark_of(path)
        assert mark is not None, format_path(path)
        if path and isinstance(path[-1], str):
            line, column = mark
            # The mark of a key points at the key itself.
            assert lines[line - 1][column - 1 :].lstrip("'\"").startswith(path[-1])


@settings(max_examples=60, deadline=None)
@given(documents)
def test_json_round_trips(data: dict) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    document, problems = parse_text(text, "x.json")
    assert problems == []
    assert document is not None
    assert document.data == data
