"""The module page names the forge and shows each mirror's check in words."""

from datetime import UTC, datetime

import pytest

from registry.services import catalog
from registry.services.mirrors import record_mirror
from registry.services.transfer import upsert_module

OPENCODE_MODULE = "https://gitlab.opencode.de/bad-belzig/sva-module/abfall-export"
MIRROR = "https://github.com/bad-belzig/abfall-export"


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture()
def module(session):  # type: ignore[no-untyped-def]
    upsert_module(session, {"slug": "abfall-export", "repository": OPENCODE_MODULE}, source="test")
    session.commit()
    return catalog.get_module(session, "abfall-export")


def test_module_page_names_the_forge(client, module) -> None:
    html = _text(client.get("/modules/abfall-export"))
    assert "GitLab auf gitlab.opencode.de" in html
    english = _text(client.get("/modules/abfall-export?lang=en"))
    assert "GitLab on gitlab.opencode.de" in english


def test_mirror_in_sync_and_behind_in_words(client, session, module) -> None:
    mirror = record_mirror(session, module, MIRROR, source="admin")
    mirror.status, mirror.checked_at = "in-sync", datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    session.commit()
    html = _text(client.get("/modules/abfall-export"))
    assert "Spiegel" in html and MIRROR in html and "Spiegel aktuell" in html
    mirror.status, mirror.behind_since = "behind", datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    mirror.missing_tags = [f"v1.{n}.0" for n in range(12)]
    session.commit()
    html = _text(client.get("/modules/abfall-export"))
    assert "veraltet seit" in html and "Spiegel aktuell" not in html
    assert "es fehlen die Tags v1.0.0, v1.1.0" in html and "und 2 weitere" in html
    assert "v1.11.0" not in html  # the first ten, then a count


def test_unchecked_mirror(client, session, module) -> None:
    record_mirror(session, module, MIRROR, source="admin")
    session.commit()
    assert "noch nicht abgeglichen" in _text(client.get("/modules/abfall-export"))
