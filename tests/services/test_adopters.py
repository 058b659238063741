"""Reported adopters from admin-doku and publiccode.yml: name keys, take-over by deployments."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.metadata.municipalities import name_key
from registry.models import Module, ReportedAdopter
from registry.services.adopters import adoption, reported_counts, sync_module_adopters
from registry.services.importing import import_paths
from registry.web.ui.queries import adopters
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Herzberg/Elster", "Herzberg (Elster)", True),
        ("Stadt Herzberg/Elster", "Herzberg (Elster)", True),  # publiccode vs admin-doku
        ("Kiel (Demo)", "Landeshauptstadt Kiel", True),  # a demo deployment's name
        ("Frankfurt (Oder) (Demo)", "Frankfurt/Oder", True),
        ("  Bad   Belzig ", "bad belzig", True),
        ("Landkreis Prignitz", "Prignitz", False),  # a district is not its town
        ("Bernau bei Berlin", "Berlin", False),
        ("Stadt", "Stadt", True),  # a lone kind word is kept as the name
    ],
)
def test_name_key(a: str, b: str, same: bool) -> None:
    assert (name_key(a) == name_key(b)) is same


def _module(session: Session, slug: str) -> Module:
    return session.scalars(select(Module).where(Module.slug == slug)).one()


def test_the_demo_loads_the_real_lists_and_deployments_take_them_over(demo: Session) -> None:
    maengelmelder = _module(demo, "maengelmelder")
    rows = demo.scalars(
        select(ReportedAdopter).where(ReportedAdopter.module_id == maengelmelder.id)
    ).all()
    assert len(rows) == 41 and {r.source for r in rows} == {"admin-doku"}
    registered = [(a.deployment, a.version) for a in adopters(demo, "maengelmelder")]
    seen = adoption(demo, maengelmelder, registered)
    taken = {row.name: deployment.name for row, deployment in seen.taken_over}
    assert taken["Bad Belzig"] == "Bad Belzig (Demo)"
    assert "Bad Belzig" not in {r.name for r in seen.reported}
    assert len(seen.reported) + len(seen.taken_over) == 41
    assert reported_counts(demo)["maengelmelder"] == len(seen.reported)
    assert reported_counts(demo)["nachrichten"] > 0


def test_the_apps_publiccode_reports_the_apps_users(demo: Session) -> None:
    path = FIXTURES / "metadata" / "publiccode" / "smart-village-app-app.publiccode.yml"
    result = import_paths(demo, [path])
    assert not result.failed
    rows = demo.scalars(select(ReportedAdopter).where(ReportedAdopter.component == "app")).all()
    assert len(rows) == 34
    herzberg = next(r for r in rows if r.name == "Stadt Herzberg/Elster")
    assert herzberg.name_key == name_key("Herzberg (Elster)")
    assert "app: usedBy -> 34 reported adopters" in "\n".join(result.lines())
    # Importing it again changes nothing.
    import_paths(demo, [path])
    assert (
        len(demo.scalars(select(ReportedAdopter).where(ReportedAdopter.component == "app")).all())
        == 34
    )


def test_a_shorter_list_from_the_same_source_replaces_its_rows(demo: Session) -> None:
    karten = _module(demo, "karten")
    karten.extra = {**karten.extra, "deployed_in_municipalities": ["Herzberg (Elster)"]}
    sync_module_adopters(demo, karten)
    rows = demo.scalars(select(ReportedAdopter).where(ReportedAdopter.module_id == karten.id))
    assert [r.name for r in rows] == ["Herzberg (Elster)"]


def test_api_and_page_show_deployments_and_reported_adopters_apart(client, demo) -> None:
    body = client.get("/api/v1/modules/maengelmelder").get_json()
    adoption_ = body["adoption"]
    assert adoption_["registeredDeployments"] >= 1
    names = {a["name"] for a in adoption_["reportedAdopters"]}
    assert "Angermünde" in names and "Bad Belzig" not in names
    assert any(a["name"] == "Bad Belzig" and a["deployment"] for a in adoption_["takenOver"])
    page = client.get("/modules/maengelmelder?lang=en").get_data(as_text=True)
    assert "Registered deployments" in page and "Reported adopters" in page
    assert "Angermünde" in page
    assert "Where the data comes from" in page
    catalogue = client.get("/?lang=en").get_data(as_text=True)
    assert "Reported adopters" in catalogue
