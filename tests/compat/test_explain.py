from __future__ import annotations

import pytest

from registry.compat import CODES, Reason, describe_range, explain

SAMPLES = {
    "yanked": Reason("yanked", actual="4.0.0"),
    "prerelease": Reason("prerelease", required="stable", actual="5.0.0rc1"),
    "component-missing": Reason("component-missing", component="mainserver"),
    "version-unknown": Reason(
        "version-unknown", component="app", required=">=4.3.0", actual="04d9eb41"
    ),
    "version-mismatch": Reason(
        "version-mismatch", component="app", required=">=4.3.0", actual="4.2.1"
    ),
    "capability-missing": Reason("capability-missing", component="mainserver", required="vouchers"),
    "license-not-allowed": Reason(
        "license-not-allowed", required="EUPL-1.2, MIT", actual="AGPL-3.0-only"
    ),
    "dependency-unsatisfiable": Reason(
        "dependency-unsatisfiable", module="karten", required=">=1.2.0", actual="1.0"
    ),
    "metadata-invalid": Reason("metadata-invalid", actual="requires.app: bad range"),
}


def test_samples_cover_every_code() -> None:
    assert set(SAMPLES) == set(CODES)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_code_has_a_sentence(code: str, lang: str) -> None:
    sentence = explain(SAMPLES[code], lang)  # type: ignore[arg-type]
    assert sentence.endswith(".")
    assert "None" not in sentence
    assert not sentence.startswith(code)  # a sentence, not the fallback "code: ..."
    assert len(sentence.split()) >= 4


def test_german_and_english_examples() -> None:
    mismatch = SAMPLES["version-mismatch"]
    assert explain(mismatch) == "Die App muss mindestens Version 4.3.0 haben (installiert: 4.2.1)."
    assert explain(mismatch, "en") == "The app must have at least version 4.3.0 (installed: 4.2.1)."
    assert explain(SAMPLES["capability-missing"]) == (
        "Der Mainserver bietet die Fähigkeit „vouchers“ nicht."
    )
    assert explain(Reason("component-missing", component="humhub", required=">=1.8.3")) == (
        "Die Komponente humhub fehlt in der Installation (benötigt: >=1.8.3)."
    )


@pytest.mark.parametrize(
    ("normalized", "german", "english"),
    [
        (">=4.3.0", "mindestens Version 4.3.0", "at least version 4.3.0"),
        ("==4.3.0", "genau Version 4.3.0", "exactly version 4.3.0"),
        (
            ">=4.1.0,<5.0.0",
            "eine Version ab 4.1.0 und unter 5.0.0",
            "a version from 4.1.0 and below 5.0.0",
        ),
        ("<2 || >=3", "eine Version passend zu <2 || >=3", "a version matching <2 || >=3"),
    ],
)
def test_describe_range(normalized: str, german: str, english: str) -> None:
    assert describe_range(normalized) == german
    assert describe_range(normalized, "en") == english
