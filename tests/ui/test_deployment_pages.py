"""Deployment pages: verdicts with reasons in words, upgrade plans, what-if, adoptable filter."""

from __future__ import annotations

import re

from registry.services.catalog import get_module
from registry.services.events import bump
from tests.ui.conftest import deployment_id, login


def _html(client, path: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _article(html: str, slug: str) -> str:
    match = re.search(
        rf'<article class="verdict[^"]*" aria-labelledby="v-{slug}">(.*?)</article>', html, re.S
    )
    assert match is not None, slug
    return match.group(1)


def test_chatbot_blocked_for_app_420_with_plan_in_german(client, demo) -> None:
    html = _html(client, f"/deployments/{deployment_id(demo, 'Guben (Demo)')}")
    chatbot = _article(html, "chatbot")
    assert "Noch nicht übernehmbar" in chatbot
    # The requirement in words: the version, no range operator.
    assert "Benötigt Smart Village App 4.3.0; die Installation hat 4.2.0." in chatbot
    assert "Aktualisieren Sie Smart Village App von 4.2.0 auf 4.3.0." in chatbot


def test_voucher_module_names_missing_capabilities_in_english(client, demo) -> None:
    html = _html(client, f"/deployments/{deployment_id(demo, 'Kiel (Demo)')}?lang=en")
    vouchers = _article(html, "gutscheine")
    # Capabilities by their label, the GraphQL field second.
    assert "feature “Vouchers (vouchers)”, which the deployment does not offer" in vouchers
    assert "Redeem vouchers (redeemQuotaOfVoucher)" in vouchers


def test_deployment_page_summarises_the_most_helpful_upgrade(client, demo) -> None:
    html = _html(client, f"/deployments/{deployment_id(demo, 'Kiel (Demo)')}")
    answer = html.split('id="answer-heading"', 1)[1].split("</section>", 1)[0]
    best = answer.split('class="answer-best"', 1)[1]
    assert "Smart Village App auf 4.3.0 aktualisieren: schaltet" in best
    assert "what-if?app=4.3.0" in best


def test_the_magdeburg_page_answers_first(client, demo) -> None:
    html = _html(client, f"/deployments/{deployment_id(demo, 'Magdeburg (Demo)')}")
    # The answer comes before the facts, the what-if form and the module cards.
    answer = html.index('id="answer-heading"')
    assert answer < html.index('class="facts"') < html.index('id="what-if-heading"')
    figures = " ".join(re.sub(r"<[^>]+>", " ", html[answer : html.index("</ul>", answer)]).split())
    assert re.search(r"5 Module laufen .* weitere Module sind jetzt übernehmbar", figures)
    fixes = html.split('id="fixes-heading"', 1)[1].split("</section>", 1)[0]
    assert "Smart Village App auf 4.3.0 aktualisieren: schaltet" in fixes
    assert 'href="#v-chatbot"' in fixes  # each group links to its modules
    assert "Gutscheine einlösen, Gutscheine bieten" in fixes
    # Details are folded: reasons and plans sit inside <details>.
    chatbot = _article(html, "chatbot")
    assert chatbot.index("<details>") < chatbot.index("Benötigt")


def test_what_if_app_and_capabilities_unlocks_vouchers(client, demo) -> None:
    kiel = deployment_id(demo, "Kiel (Demo)")
    html = _html(
        client,
        f"/deployments/{kiel}/what-if?app=4.3.0&mainserver.capabilities=vouchers,redeemQuotaOfVoucher",
    )
    gained = html.split('id="gained"', 1)[1].split("</section>", 1)[0]
    assert "/modules/gutscheine" in gained and "/modules/chatbot" in gained
    assert "Es wird nichts gespeichert." in html


def test_what_if_changes_nothing_stored(client, demo) -> None:
    kiel = deployment_id(demo, "Kiel (Demo)")
    client.get(f"/deployments/{kiel}/what-if?app=4.3.0")
    page = _html(client, f"/deployments/{kiel}")
    assert "<dd>4.1.3</dd>" in page


def test_what_if_with_a_bad_version_reports_the_problem(client, demo) -> None:
    kiel = deployment_id(demo, "Kiel (Demo)")
    response = client.get(f"/deployments/{kiel}/what-if?app=banana")
    assert response.status_code == 400
    assert "components.app" in response.get_data(as_text=True)


def test_catalogue_filter_adoptable_by_deployment(client, demo) -> None:
    guben = deployment_id(demo, "Guben (Demo)")
    html = _html(client, f"/?deployment={guben}")
    assert "/modules/chatbot" not in html  # only release 4.3.0, Guben runs app 4.2.0
    assert "/modules/nachrichten" in html
    assert "übernehmbar für Guben (Demo)" in html


def test_private_deployment_is_404_for_anonymous(client, demo) -> None:
    bernau = deployment_id(demo, "Bernau bei Berlin (Demo)")
    response = client.get(f"/deployments/{bernau}", headers={"Accept": "text/html"})
    assert response.status_code == 404


def test_private_deployment_visible_to_admin_login(client, demo, token_for) -> None:
    login(client, token_for("admin"))
    bernau = deployment_id(demo, "Bernau bei Berlin (Demo)")
    assert "Bernau bei Berlin (Demo)" in _html(client, f"/deployments/{bernau}")
    assert "Bernau bei Berlin (Demo)" in _html(client, "/deployments")


def test_what_if_app_upgrade_lists_what_happens_to_installed_modules(client, demo) -> None:
    kiel = deployment_id(demo, "Kiel (Demo)")
    html = _html(client, f"/deployments/{kiel}/what-if?app=4.3.0")
    report = html.split('id="upgrade-app"', 1)[1].split("</section>", 1)[0]
    assert "Ihre Module mit Smart Village App 4.3.0" in report
    # In-app modules follow the app: each one Kiel runs needs its 4.3.0 release.
    assert report.count("aus 4.1.3 wird 4.3.0") == 5
    assert "/modules/nachrichten" in report
    # ... and are not repeated among the modules that would get another version.
    newer = html.split('id="newer"', 1)[1].split("</section>", 1)[0]
    assert "/modules/nachrichten" not in newer and "/modules/wetter" in newer


def test_a_withdrawn_release_a_deployment_runs_is_flagged(client, demo) -> None:
    release = next(r for r in get_module(demo, "nachrichten").releases if r.version == "4.1.3")
    release.yanked = True
    release.yanked_reason = "crashes on start"
    bump(demo, "catalog")
    demo.commit()
    html = _html(client, f"/deployments/{deployment_id(demo, 'Kiel (Demo)')}")
    news = _article(html, "nachrichten")
    assert "Die laufende Version ist nicht (mehr) übernehmbar" in news
    assert "zurückgezogen" in news
    # The other modules Kiel runs at 4.1.3 are unaffected.
    assert "nicht (mehr)" not in _article(html, "karten")


def test_module_page_answers_for_a_chosen_deployment(client, demo) -> None:
    guben = deployment_id(demo, "Guben (Demo)")
    html = _html(client, f"/modules/chatbot?deployment={guben}")
    check = html.split('id="for-you"', 1)[1].split("</section>", 1)[0]
    assert "Noch nicht übernehmbar" in check
    assert "Aktualisieren Sie Smart Village App von 4.2.0 auf 4.3.0." in check
    assert f'href="/deployments/{guben}"' in check
    # Without a choice the page only offers the question.
    plain = _html(client, "/modules/chatbot").split('id="for-you"', 1)[1].split("</section>", 1)[0]
    assert "Noch nicht übernehmbar" not in plain


def test_private_deployment_cannot_be_chosen_anonymously_on_module_page(client, demo) -> None:
    bernau = deployment_id(demo, "Bernau bei Berlin (Demo)")
    html = _html(client, f"/modules/nachrichten?deployment={bernau}")
    # admin-doku's public list names the town as a reported adopter; the private deployment
    # itself appears nowhere.
    assert "Bernau bei Berlin (Demo)" not in html and f"/deployments/{bernau}" not in html


def test_an_end_of_life_app_is_noticed_in_both_languages(client, demo) -> None:
    detmold = deployment_id(demo, "Detmold (Demo)")
    german = _html(client, f"/deployments/{detmold}")
    assert "Smart Village App 4.0.3 wird nicht mehr unterstützt (Support beendet)." in german
    assert "end of life" not in german
    english = _html(client, f"/deployments/{detmold}?lang=en")
    assert "Smart Village App 4.0.3 is end of life: it is no longer supported." in english


def test_what_if_on_an_unknown_app_version_notices_it(client, demo) -> None:
    kiel = deployment_id(demo, "Kiel (Demo)")
    html = _html(client, f"/deployments/{kiel}/what-if?app=9.9.9&lang=en")
    assert "Smart Village App 9.9.9 is no known version of Smart Village App." in html
    page = _html(client, f"/deployments/{kiel}?lang=en")
    assert "is no known version" not in page
