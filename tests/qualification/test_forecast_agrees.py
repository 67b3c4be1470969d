"""One forecast number: the plans page shows the dashboard's coverage forecast (agreed items counted by
their due date, certificates that expire by then dropped), not a second figure computed another way."""

import datetime
import re

from django.urls import reverse

from competencies.models import Assessment
from qualification.models import QualificationPlan
from tests.qualification.test_views import AGREED, TODAY, build_world, set_status


def forecast_on(content):
    match = re.search(r'data-forecast="(\d+)"', content)
    assert match, "no forecast on the page"
    return int(match.group(1))


def test_plans_page_and_dashboard_show_the_same_forecast(client_for, org):
    world = build_world(org)
    set_status(world.plan, AGREED)
    # Carl's level 3 is a certificate that lapses in a month: by the forecast date he no longer counts,
    # while Erika's agreed item (due within the forecast window) brings her to 3.
    Assessment.objects.filter(employee=org.colleague, competency=world.heat).update(
        source=Assessment.Source.CERTIFICATE, valid_until=TODAY + datetime.timedelta(days=30)
    )
    assert QualificationPlan.objects.get(pk=world.plan.pk).status == AGREED
    client = client_for("lead_a")
    dashboard = client.get(reverse("teams:dashboard", kwargs={"team_id": org.team_a.pk})).content.decode()
    plans = client.get(reverse("qualification:team_plans", args=[org.team_a.pk])).content.decode()
    assert forecast_on(dashboard) == 50  # one of the two needed people at level 3
    assert forecast_on(plans) == forecast_on(dashboard)


def test_dashboard_names_the_certificate_that_causes_the_drop(client_for, org):
    world = build_world(org)
    Assessment.objects.filter(employee=org.colleague, competency=world.heat).update(
        source=Assessment.Source.CERTIFICATE, valid_until=TODAY + datetime.timedelta(days=30)
    )
    content = client_for("lead_a").get(reverse("teams:dashboard", kwargs={"team_id": org.team_a.pk})).content
    section = content.decode().split('id="certificates"')[1].split("</section>")[0]
    assert org.colleague.name in section and "Heat pump diagnostics" in section
    assert "−50.0" in section  # 1 of 2 needed → 0 of 2: the whole critical requirement's half


def test_the_employees_plan_page_and_team_progress_show_the_dashboards_forecast(client_for, org):
    world = build_world(org)
    set_status(world.plan, AGREED)
    Assessment.objects.filter(employee=org.colleague, competency=world.heat).update(
        source=Assessment.Source.CERTIFICATE, valid_until=TODAY + datetime.timedelta(days=30)
    )
    dashboard = client_for("lead_a").get(reverse("teams:dashboard", kwargs={"team_id": org.team_a.pk}))
    expected = forecast_on(dashboard.content.decode())
    employee = client_for("employee")
    plan_page = employee.get(reverse("qualification:my_plan"), follow=True).content.decode()
    progress = employee.get(reverse("qualification:team_progress", args=[org.team_a.pk])).content.decode()
    plans = client_for("lead_a").get(reverse("qualification:team_plans", args=[org.team_a.pk])).content
    assert expected == 50
    for page in (plan_page, progress, plans.decode()):
        assert set(map(int, re.findall(r'data-forecast="(\d+)"', page))) == {expected}
