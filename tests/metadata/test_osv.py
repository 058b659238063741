"""OSV records: the schema's examples validate, problems carry lines, severity labels."""

import json
from pathlib import Path

import pytest

from registry.metadata.osv import (
    cvss3_base_score,
    label_of_score,
    load_osv_file,
    parse_osv,
    parse_osv_text,
    severity_label,
)
from registry.metadata.problems import MetadataError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "advisories"


def test_the_real_sva_case_parses():
    parsed = load_osv_file(FIXTURES / "SVA-2026-0001.json")
    assert parsed.advisory.modules == ("abfallkalender",)
    assert parsed.advisory.severity == "moderate"
    assert parsed.advisory.aliases == ("GHSA-7m2x-5q3r-abfk",)


def minimal(**extra):
    record = {
        "id": "SVA-2026-0042",
        "modified": "2026-09-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "SVA", "name": "chatbot"}, "versions": ["4.3.0"]}],
    }
    record.update(extra)
    return record


def test_problems_are_located_by_line_and_field():
    text = json.dumps(minimal(withdrawn="tomorrow", severity=[{"type": "CVSS_V9"}]), indent=2)
    with pytest.raises(MetadataError) as raised:
        parse_osv_text(text, "bad.json")
    lines = text.splitlines()
    found = {(p.field, lines[p.line - 1].strip()[:12]) for p in raised.value.problems}
    assert found == {
        ("withdrawn", '"withdrawn":'),
        ("severity[0].score", "{"),  # missing: reported at its object
        ("severity[0].type", '"type": "CVS'),
    }


def test_a_record_naming_no_module_is_refused():
    record = minimal(affected=[{"package": {"ecosystem": "npm", "name": "elliptic"}}])
    with pytest.raises(MetadataError, match="names no module"):
        parse_osv(record)


def test_git_ranges_need_commits_and_a_repo():
    git = {"type": "GIT", "events": [{"introduced": "not-a-commit"}]}
    record = minimal(
        affected=[{"package": {"ecosystem": "SVA", "name": "chatbot"}, "ranges": [git]}]
    )
    with pytest.raises(MetadataError) as raised:
        parse_osv(record)
    assert [p.field for p in raised.value.problems] == ["affected[0].ranges[0].repo"]
    git["repo"] = "https://github.com/smart-village-solutions/smart-village-app-app"
    with pytest.raises(MetadataError, match="no commit SHA"):
        parse_osv(record)


def test_fixed_and_last_affected_do_not_mix():
    events = [{"introduced": "0"}, {"fixed": "1.0"}, {"last_affected": "0.9"}]
    ranges = [{"type": "SEMVER", "events": events}]
    record = minimal(
        affected=[{"package": {"ecosystem": "SVA", "name": "chatbot"}, "ranges": ranges}]
    )
    with pytest.raises(MetadataError):
        parse_osv(record)


@pytest.mark.parametrize(
    ("vector", "score"),
    [
        # Examples with their scores from the FIRST CVSS v3.1 specification and NVD.
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:N", 6.8),  # the OSV docs' GHSA example
        ("CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4),
        ("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        ("CVSS:3.1/AV:N", None),  # incomplete: no score
    ],
)
def test_cvss3_base_scores(vector, score):
    assert cvss3_base_score(vector) == score


@pytest.mark.parametrize(
    ("score", "label"),
    [(0.0, None), (0.1, "low"), (3.9, "low"), (4.0, "moderate"), (7.0, "high"), (9.0, "critical")],
)
def test_labels_of_scores(score, label):
    assert label_of_score(score) == label


def test_a_stated_label_wins_over_the_vector():
    record = minimal(
        severity=[{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        database_specific={"severity": "MEDIUM"},
    )
    assert severity_label(record) == "moderate"
    assert severity_label(minimal()) is None
