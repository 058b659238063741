"""Advisory writes: caches see them; GitHub's range texts become OSV events."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawlers.base import RepositoryAdvisory
from registry.compat import Policy
from registry.metadata.osv import parse_osv
from registry.services import advisories
from registry.services.compatibility import CompatibilityCache, state_from_document

RECORD = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "advisories" / "SVA-2026-0001.json").read_text(
        "utf-8"
    )
)


def test_an_advisory_write_invalidates_the_compatibility_cache(demo):
    cache = CompatibilityCache(Policy())
    state = state_from_document({"schemaVersion": 1, "name": "x", "components": {"app": "4.1.3"}})
    cache.verdicts(demo, state, ["abfallkalender"])
    builds = cache.stats.catalog_builds
    advisories.publish_advisory(demo, RECORD)
    demo.flush()
    cache.verdicts(demo, state, ["abfallkalender"])
    assert cache.stats.catalog_builds == builds + 1


@pytest.mark.parametrize(
    ("vulnerable", "patched", "affected"),
    [
        ("< 4.2.0", "4.2.0", {"ranges": [{"type": "ECOSYSTEM", "events": [
            {"introduced": "0"}, {"fixed": "4.2.0"}]}]}),
        (">= 1.6.0, < 4.2.0", "", {"ranges": [{"type": "ECOSYSTEM", "events": [
            {"introduced": "1.6.0"}, {"fixed": "4.2.0"}]}]}),
        ("<= 4.1.3", "", {"ranges": [{"type": "ECOSYSTEM", "events": [
            {"introduced": "0"}, {"last_affected": "4.1.3"}]}]}),
        (">= 4.0.0", "4.2.0", {"ranges": [{"type": "ECOSYSTEM", "events": [
            {"introduced": "4.0.0"}, {"fixed": "4.2.0"}]}]}),
        ("= 4.1.3", "", {"versions": ["4.1.3"]}),
        ("", "", {"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}),
    ],
)  # fmt: skip
def test_github_ranges_become_osv(vulnerable, patched, affected):
    advisory = RepositoryAdvisory(
        ghsa_id="GHSA-7m2x-5q3r-abfk",
        summary="s",
        severity="high",
        updated_at=None,
        vulnerabilities=(("abfallkalender", vulnerable, patched),),
    )
    data = {**advisory.to_dict(), "updated_at": "2026-09-01T08:00:00Z"}
    record = advisories.osv_from_github(data, ["abfallkalender"], "SVA-2026-0009", "https://x")
    assert record["affected"] == [
        {"package": {"ecosystem": "SVA", "name": "abfallkalender"}, **affected}
    ]
    assert record["aliases"] == ["GHSA-7m2x-5q3r-abfk"]
    assert record["database_specific"]["severity"] == "HIGH"
    assert parse_osv(record).advisory.severity == "high"  # valid OSV of the registry


def test_next_ids_count_per_year(demo):
    assert advisories.next_advisory_id(demo).endswith("-0001")
    advisories.publish_advisory(demo, RECORD)
    demo.flush()
    assert advisories.next_advisory_id(demo, datetime(2026, 12, 1, tzinfo=UTC)) == "SVA-2026-0002"
    assert advisories.next_advisory_id(demo, datetime(2027, 1, 1, tzinfo=UTC)) == "SVA-2027-0001"
