import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.metadata.slugs import is_valid_slug, normalize_slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Mängelmelder", "maengelmelder"),
        ("Bürgerbeteiligung (Consul)", "buergerbeteiligung-consul"),
        ("Öffentlicher Straßenverkehr", "oeffentlicher-strassenverkehr"),
        ("ÜBER uns", "ueber-uns"),
        ("push-nachrichten", "push-nachrichten"),
        ("  --Merkliste/Favoriten--  ", "merkliste-favoriten"),
        ("Café Größe", "cafe-groesse"),  # accents other than umlauts lose the accent
        ("a\u0308rger", "aerger"),  # a decomposed ä is an ä
        ("studio-waste_management", "studio-waste-management"),
        ("x" * 80, "x" * 63),  # cut to the slug's maximum length
    ],
)
def test_normalize_slug(text: str, slug: str) -> None:
    assert normalize_slug(text) == slug


@pytest.mark.parametrize(
    ("slug", "valid"),
    [
        ("maengelmelder", True),
        ("a1", True),
        ("a", False),  # one character is too short
        ("-abc", False),
        ("Abc", False),
        ("ab_c", False),
        ("a" * 63, True),
        ("a" * 64, False),
    ],
)
def test_is_valid_slug(slug: str, valid: bool) -> None:
    assert is_valid_slug(slug) is valid


@given(st.text())
def test_normalized_slugs_are_idempotent_and_clean(text: str) -> None:
    slug = normalize_slug(text)
    assert normalize_slug(slug) == slug
    assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert not slug.startswith("-")
    assert not slug.endswith("-")
    assert len(slug) <= 63
    assert "--" not in slug
    if len(slug) >= 2:
        assert is_valid_slug(slug)
