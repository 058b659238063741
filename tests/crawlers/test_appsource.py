"""GraphQL root operations and Keep a Changelog entries read from source files (pure)."""

from __future__ import annotations

import pytest

from crawlers.appsource import SourceRules, parse_changelog, root_operations
from tests.github_standin.app_sources import changelog_text

FRAGMENT_AT_ROOT = """
import gql from 'graphql-tag';
export const Q = gql`
  query Start { ...RootFields }
  fragment RootFields on Query { newsItems { id } ...More }
  fragment More on Query { eventRecords { id } }
`;
"""
SEVERAL = """
export const A = gql`query A { surveys { id } archived: surveys(archived: true) { id } }`;
export const B = gql`
  mutation V($id: ID!) { voteForSurvey(id: $id) { id } }
  mutation C { commentSurvey { id } }
`;
"""
INTERPOLATED = """
const FIELDS = gql`fragment F on NewsItem { id }`;
export const Q = gql`
  query Q { newsItem(id: 1) { ...F } }
  ${FIELDS}
`;
"""


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        (FRAGMENT_AT_ROOT, "a.js", {"newsItems", "eventRecords"}),  # spreads at the root
        (SEVERAL, "survey.js", {"surveys", "voteForSurvey", "commentSurvey"}),  # alias -> field
        (INTERPOLATED, "n.ts", {"newsItem"}),  # ${...} removed, fragment of another doc ignored
        ("query { __typename search { id } }", "s.graphql", {"search"}),  # whole .graphql file
        ("export const x = 1;\n", "index.js", set()),  # no gql document
        ("gql`fragment Only on Thing { id }`", "types.ts", set()),  # fragments only
        (
            "gql`query { ... on Query { tours { id } } lunches { id } }`",
            "inline.js",
            {"tours", "lunches"},  # inline fragment at the root
        ),
        ("gql`query { a { ...Loop } } fragment Loop on A { ...Loop }`", "loop.js", {"a"}),
    ],
)
def test_root_operations(text: str, path: str, expected: set[str]) -> None:
    operations, problems = root_operations(text, path)
    assert operations == expected
    assert problems == []


def test_an_unparsable_document_is_reported_and_the_others_count() -> None:
    text = "gql`query { newsItems { id }`;\ngql`query { tours { id } }`;"
    operations, problems = root_operations(text, "broken.js")
    assert operations == {"tours"}
    assert len(problems) == 1 and problems[0].startswith("broken.js document 1:")


@pytest.mark.parametrize(
    ("path", "read"),
    [
        ("src/queries/newsItems.js", True),
        ("src/queries/profile/conversations.ts", True),
        ("src/queries/BB-BUS/getService.ts", False),  # the bb-bus endpoint
        ("src/queries/SUE/requests.tsx", False),
        ("src/queries/README.md", False),  # not a source file
        ("src/screens/HomeScreen.js", False),  # outside the queries folder
    ],
)
def test_source_rules_choose_the_query_documents(path: str, read: bool) -> None:
    rules = SourceRules(exclude=("src/queries/BB-BUS", "src/queries/SUE"))
    assert rules.reads(path) is read
    assert SourceRules.from_dict(rules.to_dict()) == rules


def test_changelog_versions_entries_and_breaking_marks() -> None:
    versions = {v.version: v for v in parse_changelog(changelog_text())}
    assert "Unreleased" not in versions  # the [Unreleased] heading is no version
    assert list(versions)[:3] == ["5.0.0", "4.3.0", "4.2.0"]  # file order, newest first
    maplibre = versions["4.2.0"].entries[0]
    assert maplibre.breaking and "MapLibre" in maplibre.text  # "### Breaking Changes" section
    assert not versions["4.2.0"].entries[1].breaking  # "### Added"
    # "**Breaking**:" marks one entry and is dropped from its text; the next line continues it.
    first, second = versions["2.5.0"].entries
    assert first.breaking and first.text.startswith("This mobile app version needs an updated")
    assert first.text.endswith("(Februar 17th)")
    assert not second.breaking
    assert versions["4.2.0"].date == "2025-12-19"
    assert [v for v, c in versions.items() if any(e.breaking for e in c.entries)] == [
        "5.0.0", "4.2.0", "4.1.0", "4.0.3", "2.5.0",
    ]  # fmt: skip
