"""The pure helpers behind the pages: the deployment form, what-if, summaries, charts."""

from __future__ import annotations

import pytest
from flask import Flask

from registry.models import Component, ComponentVersion, Release
from registry.web.i18n import init_i18n
from registry.web.ui.charts import PLOT_WIDTH, horizontal_bars, vertical_bars
from registry.web.ui.deployment import hypothetical
from registry.web.ui.deployment_form import (
    apply_problems,
    document_from_form,
    field_of,
    form_from_document,
    form_from_request,
)
from registry.web.ui.matrix import build_matrix


@pytest.fixture(autouse=True)
def _request():  # type: ignore[no-untyped-def]
    app = Flask(__name__)
    init_i18n(app)
    with app.test_request_context("/?lang=en"):
        yield


def test_every_demo_document_survives_the_form(demo_document) -> None:  # type: ignore[no-untyped-def]
    for entry in demo_document["deployments"]:
        document = entry["document"]
        form = form_from_document(document)
        assert document_from_form(form) == document, document["name"]
        assert form.errors == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("studio = 0.0.1", {"studio": "0.0.1"}),
        (
            "studio: 0.0.1 (routing, media)",
            {"studio": {"version": "0.0.1", "capabilities": ["routing", "media"]}},
        ),
        ("studio = (routing)", {"studio": {"capabilities": ["routing"]}}),  # capabilities only
        ("\n  humhub = 1.15.0  \n\n", {"humhub": "1.15.0"}),  # blank lines are fine
    ],
)
def test_other_components_lines(text: str, expected: dict) -> None:
    form = form_from_request({"name": "X", "components": text})
    assert document_from_form(form)["components"] == expected


def test_bad_lines_are_reported_with_their_number() -> None:
    form = form_from_request(
        {"name": "X", "modules": "nachrichten = 4.2.1\nkarten 4.2.1", "components": "studio"}
    )
    document = document_from_form(form)
    assert document["modules"] == {"nachrichten": "4.2.1"}
    assert form.errors["modules"] == ['Line 2: write "name = version", not "karten 4.2.1".']
    assert "Line 1" in form.errors["components"][0]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("name", "name"),
        ("components.app", "app"),
        ("components.app.version", "app"),
        ("components.mainserver.commit", "mainserver_commit"),
        ("components.mainserver.capabilities[2]", "mainserver_capabilities"),
        ("components.studio", "components"),
        ("modules.karten", "modules"),
        ("licenses[0]", "licenses"),
        ("schemaVersion", "form"),  # not on the form: shown above it
    ],
)
def test_problem_paths_map_to_form_fields(path: str, field: str) -> None:
    assert field_of(path) == field


def test_service_problems_become_plain_sentences_in_field_order() -> None:
    form = form_from_request({})
    apply_problems(
        form,
        [
            {"field": "modules.karten", "message": "'x' is no version (PEP 440 / SemVer)"},
            {"field": "name", "message": "'' should be non-empty"},
            {
                "field": "licenses[0]",
                "message": "'Foo-1' is no SPDX license id",
                "code": "license-unknown",
                "value": "Foo-1",
                "suggestion": "",
            },
        ],
    )
    assert list(form.errors) == ["name", "modules", "licenses"]
    assert form.errors["modules"] == ["karten: “x” is no version number (e.g. 4.2.1)."]
    assert form.errors["licenses"] == ["“Foo-1” is no SPDX license id."]


def test_hypothetical_changes_only_the_query_and_keeps_the_original() -> None:
    document = {
        "name": "Kiel",
        "components": {
            "app": "4.1.3",
            "mainserver": {"commit": "5b4ba192", "capabilities": ["news"]},
        },
    }
    changed = hypothetical(
        document, {"app": "4.3.0", "mainserver.capabilities": "vouchers, news", "lang": "en"}
    )
    assert changed["components"] == {
        "app": "4.3.0",
        "mainserver": {"commit": "5b4ba192", "capabilities": ["news", "vouchers"]},
    }
    assert document["components"]["app"] == "4.1.3"
    assert document["components"]["mainserver"]["capabilities"] == ["news"]


def test_bar_charts_scale_to_the_largest_value() -> None:
    chart = horizontal_bars([("a", 4), ("b", 2), ("c", 0)])
    assert [bar.width for bar in chart.bars] == [PLOT_WIDTH, PLOT_WIDTH / 2, 0]
    assert chart.bars[1].y > chart.bars[0].y
    columns = vertical_bars([("2020", 10), ("2021", 5)])
    assert columns.bars[0].height == 2 * columns.bars[1].height
    assert columns.bars[0].y < columns.bars[1].y  # taller columns start higher
    assert horizontal_bars([]).bars == []


def test_matrix_answers_each_release_against_known_versions() -> None:
    app = Component(
        name="app",
        versions=[
            ComponentVersion(version=v, support=s, prerelease=p)
            for v, s, p in [
                ("4.3.0", "supported", False),
                ("4.2.0", "supported", False),
                ("4.4.0rc1", "supported", True),
                ("3.0.0", "eol", False),
                ("2.0.0", "eol", False),
            ]
        ],
    )
    studio = Component(
        name="studio",
        versions=[ComponentVersion(version="0.0.1", support="supported", prerelease=False)],
    )
    releases = [
        Release(
            version="2.0",
            requires={"app": {"range": ">=4.2"}, "mainserver": {"capabilities": ["x"]}},
        ),
        Release(version="1.0", requires={"app": {"range": "^3.0.0"}}),
        Release(version="0.9", requires={"app": {"range": ">=banana"}}),  # bad range: no answer
    ]
    matrix = build_matrix(releases, [app, studio])
    # Pre-releases and versions nobody accepts and nobody supports are left out; studio is
    # not constrained by any release, so it has no columns.
    assert [c.version.version for c in matrix.columns] == ["4.3.0", "4.2.0", "3.0.0"]
    assert matrix.cells == [[True, True, False], [False, False, True], [None, None, None]]
