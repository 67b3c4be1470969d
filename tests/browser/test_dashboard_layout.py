"""At 1366 × 768, in German: the dashboard's key facts (coverage, gaps, single points, certificates
expiring) end above the fold, and the profile's radar shows every competency name whole."""

import pytest

from competencies.models import Assessment
from tests.browser.support import shot, sign_in
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    RoleProfileFactory,
    RoleRequirementFactory,
    TeamRequirementFactory,
    days_ago,
)

pytestmark = pytest.mark.browser

FOLD = 768
LONG = "Electrical safety (electrically skilled person)"
KEY_FACTS = ("#key-coverage", "#key-gaps", "#key-single-points", "#key-certificates")


def test_key_facts_above_the_fold_and_radar_labels_whole(chromium, live_server, transactional_db, org):
    electrical = CompetencyFactory(name=LONG)
    heat = CompetencyFactory(name="Heat pump diagnostics")
    explain = CompetencyFactory(name="Explaining technical systems to customers")
    TeamRequirementFactory(team=org.team_a, competency=electrical, required_level=3, min_people=2, weight=3)
    TeamRequirementFactory(team=org.team_a, competency=heat, required_level=3, min_people=1)
    AssessmentFactory(
        employee=org.colleague,
        competency=electrical,
        level=3,
        source=Assessment.Source.CERTIFICATE,
        valid_until=days_ago(-20),
    )
    AssessmentFactory(employee=org.employee, competency=electrical, level=2)
    AssessmentFactory(employee=org.colleague, competency=heat, level=3)
    org.employee.role_profile = RoleProfileFactory(name="Service technician")
    org.employee.save(update_fields=["role_profile"])
    for competency in (electrical, heat, explain):
        RoleRequirementFactory(role_profile=org.employee.role_profile, competency=competency, target_level=3)

    page = sign_in(chromium, live_server, "lead_a", "de")
    page.set_viewport_size({"width": 1366, "height": FOLD})
    page.goto(f"{live_server.url}/teams/{org.team_a.pk}/dashboard/")
    for selector in KEY_FACTS:
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["y"] + box["height"] <= FOLD, (selector, box)
    assert page.locator("#certificates .sl-certificate").count() == 1
    shot(page, "de-dashboard-fold")
    # The rest in sections reached from an in-page navigation; a folded one opens when its link is used.
    targets = page.locator("nav.sl-section-nav a").evaluate_all("links => links.map(a => a.hash.slice(1))")
    assert {"findings", "certificates", "charts", "levels", "hints", "what-if"} <= set(targets), targets
    for target in targets:
        assert page.locator(f"#{target}").count() == 1, target
    assert page.locator("#levels").evaluate("fold => fold.open") is False
    assert page.locator("[data-figure=heatmap-figure] .main-svg").count() == 0  # drawn only when opened
    page.click("nav.sl-section-nav a[href='#levels']")
    page.wait_for_selector("[data-figure=heatmap-figure] .main-svg")
    assert page.locator("#levels").evaluate("fold => fold.open") is True

    page.goto(f"{live_server.url}/people/{org.employee.pk}/")
    page.wait_for_selector("[data-figure=radar-figure] .main-svg .angularaxistick text")
    labels = page.locator("[data-figure=radar-figure] .angularaxistick text").all_text_contents()
    assert labels and not any("…" in label for label in labels), labels
    lines = [
        "".join(tick.locator("tspan").all_text_contents()) or tick.text_content()
        for tick in page.locator("[data-figure=radar-figure] .angularaxistick").all()
    ]
    assert any("Electrical" in line for line in lines), lines
    # Nothing of a label is cut off by the chart's edges either.
    chart = page.locator("[data-figure=radar-figure] .main-svg").first.bounding_box()
    for tick in page.locator("[data-figure=radar-figure] .angularaxistick text").all():
        box = tick.bounding_box()
        assert chart["x"] <= box["x"] and box["x"] + box["width"] <= chart["x"] + chart["width"], lines
