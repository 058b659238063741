"""Pages: a deployment running a covered release sees the advisory first; the module page lists
advisories and health; the catalogue marks affected modules and sorts/filters by health."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from registry.services.advisories import publish_advisory
from tests.ui.conftest import deployment_id

RECORD = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "advisories" / "SVA-2026-0001.json").read_text(
        "utf-8"
    )
)


@pytest.fixture()
def advisory(demo):
    publish_advisory(demo, RECORD)
    demo.commit()


def _html(client, path: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_kiel_sees_the_advisory_first_with_the_version_to_move_to(client, demo, advisory):
    html = _html(client, f"/deployments/{deployment_id(demo, 'Kiel (Demo)')}?lang=de")
    main = html[html.index("<h1>") :]
    section = main[main.index('id="advisories"') :]
    assert main.index('id="advisories"') < main.index("<dl")  # before everything else
    assert "ist von SVA-2026-0001 betroffen" in section
    assert "Behoben in 4.2.0" in section
    english = _html(client, f"/deployments/{deployment_id(demo, 'Kiel (Demo)')}?lang=en")
    assert "is affected by SVA-2026-0001" in english and "Fixed in 4.2.0" in english


def test_a_deployment_without_the_module_sees_no_advisory(client, demo, advisory):
    html = _html(client, f"/deployments/{deployment_id(demo, 'Augsburg (Demo)')}")
    assert 'id="advisories"' not in html


def test_the_module_page_lists_advisories_and_health(client, demo, advisory):
    html = _html(client, "/modules/abfallkalender?lang=en")
    assert "SVA-2026-0001" in html and "GHSA-7m2x-5q3r-abfk" in html
    assert "severity: moderate" in html
    assert re.search(r"Overall level [0-3] of 3", html)
    assert "registered deployments run it." in html
    assert "/badges/abfallkalender/health.svg" in html


def test_the_catalogue_marks_affected_modules_and_filters_by_health(client, demo, advisory):
    html = _html(client, "/?lang=en")
    row = html[html.index("/modules/abfallkalender") :]
    row = row[: row.index("</tr>")]
    assert "1 security advisory" in row
    every = re.findall(r"level ([0-3]) of 3</td>", html)
    by_health = _html(client, "/?lang=en&sort=health&health=1")
    levels = [int(level) for level in re.findall(r"level ([0-3]) of 3</td>", by_health)]
    assert levels == sorted(levels, reverse=True)  # best first
    assert levels and min(levels) >= 1
    assert len(levels) == sum(1 for level in every if int(level) >= 1) < len(every)
