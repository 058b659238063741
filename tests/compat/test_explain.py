from __future__ import annotations

import pytest

from registry.compat import (
    CODES,
    NOTICE_CODES,
    STEP_KINDS,
    Blocked,
    Notice,
    Reason,
    describe_notice,
    describe_range,
    describe_step,
    explain,
)

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
    "module-pinned": Reason("module-pinned", module="karten", required="1.0", actual="1.2"),
}


def test_samples_cover_every_code() -> None:
    assert set(SAMPLES) == {*CODES, "module-pinned"}  # (module-pinned: only in details)


@pytest.mark.parametrize("code", [*CODES, "module-pinned"])
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


def test_a_blocked_dependency_names_its_releases_and_their_reasons() -> None:
    license_blocked = Reason("license-not-allowed", required="EUPL-1.2, MIT", actual="GPL-3.0")
    reason = Reason(
        "dependency-unsatisfiable",
        module="sva-apollo-server",
        required=">=1.0.0",
        details=(Blocked("1.0.0", (license_blocked,)),),
    )
    english = explain(reason, "en")
    assert "No known release" not in english
    assert "sva-apollo-server 1.0.0: The license GPL-3.0 is not allowed" in english
    nothing = Reason("dependency-unsatisfiable", module="karten", required=">=3.0.0")
    assert (
        explain(nothing, "en")
        == "No known release of module karten matches at least version 3.0.0."
    )


STEPS = {
    "update": {
        "kind": "update",
        "component": "app",
        "from": "4.2.1",
        "to": "4.3.0",
        "endOfLife": False,
    },
    "downgrade": {
        "kind": "downgrade",
        "component": "app",
        "from": "9.9.9",
        "to": "4.3.0",
        "endOfLife": False,
    },
    "add": {"kind": "add", "component": "humhub", "to": "1.16.0", "endOfLife": False},
    "capabilities": {
        "kind": "capabilities",
        "component": "mainserver",
        "capabilities": ["redeemQuotaOfVoucher", "vouchers"],
        "offeredBy": {
            "kind": "introspection",
            "version": None,
            "commit": None,
            "source": "introspection-2026-08",
        },
    },
    "module": {"kind": "module", "module": "karten", "from": "1.0", "to": "1.2"},
    "impossible": {
        "kind": "impossible",
        "component": "app",
        "code": "no-known-version",
        "required": [">=9.0.0"],
    },
}


def test_samples_cover_every_step_kind() -> None:
    assert set(STEPS) == set(STEP_KINDS)


@pytest.mark.parametrize("kind", STEP_KINDS)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_step_kind_has_a_sentence(kind: str, lang: str) -> None:
    sentence = describe_step(STEPS[kind], lang)  # type: ignore[arg-type]
    assert sentence.endswith(".")
    assert "None" not in sentence
    assert not sentence.startswith(kind)


def test_step_sentences() -> None:
    assert describe_step(STEPS["downgrade"]) == (
        "app von 9.9.9 auf die ältere Version 4.3.0 zurücksetzen."
    )
    assert describe_step({**STEPS["add"], "endOfLife": True}, "en") == (
        "Add humhub 1.16.0 (version 1.16.0 is end of life)."
    )
    assert describe_step(STEPS["capabilities"], "en") == (
        "Make sure mainserver offers: redeemQuotaOfVoucher, vouchers "
        "(offered according to introspection introspection-2026-08)."
    )


@pytest.mark.parametrize("code", NOTICE_CODES)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_notice_has_a_sentence(code: str, lang: str) -> None:
    sentence = describe_notice(Notice(code, "app", "9.9.9").to_dict(), lang)  # type: ignore[arg-type]
    assert "app 9.9.9" in sentence
    assert not sentence.startswith(code)
