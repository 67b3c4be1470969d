"""A certificate expiring, end to end (#14): the daily warning puts it into the notification system, the
mail reaches the lead through a real SMTP server (aiosmtpd, started by the test), the mail's link works,
and the lead's dashboard annotates the forecast with that certificate and the coverage it takes away."""

import datetime
import re

import pytest
from django.utils import timezone

from competencies.models import Assessment, NotificationPreference
from competencies.notifications import kinds, notifications_send
from competencies.services import certificates_warn_expiring
from teams.review import register_competency_hooks
from tests.browser.support import shot, sign_in, text
from tests.factories import AssessmentFactory, CompetencyFactory, TeamRequirementFactory, days_ago
from tests.notifications.conftest import smtp_server  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

FGAS = "Refrigerant handling (F-gas)"


def test_an_expiring_certificate_reaches_the_lead_by_mail_and_on_the_dashboard(
    chromium,
    live_server,
    transactional_db,
    org,
    smtp_server,  # noqa: F811 (the fixture imported above)
    settings,
):
    register_competency_hooks()
    settings.SERVICELEAD_BASE_URL = live_server.url
    fgas = CompetencyFactory(name=FGAS, requires_certificate=True, validity_months=24)
    TeamRequirementFactory(team=org.team_a, competency=fgas, required_level=3, min_people=2, weight=3)
    AssessmentFactory(employee=org.employee, competency=fgas, level=3)
    expires = timezone.localdate() + datetime.timedelta(days=20)
    AssessmentFactory(
        employee=org.colleague,
        competency=fgas,
        level=3,
        source=Assessment.Source.CERTIFICATE,
        assessed_on=days_ago(700),
        valid_until=expires,
    )
    lead = org.users["lead_a"]
    NotificationPreference.objects.create(
        user=lead, language="en", modes={kind.name: NotificationPreference.Mode.IMMEDIATE for kind in kinds()}
    )

    # The daily job (beat), then the five-minute sending job: one mail to the lead about the certificate.
    assert certificates_warn_expiring() == 1
    assert notifications_send() >= 1
    mails = [m for m in smtp_server.messages if m["To"] == lead.email]
    assert len(mails) == 1
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    assert FGAS in body and org.colleague.name in body
    links = [link for link in re.findall(r"http://\S+", body) if "/notifications/off/" not in link]
    assert links

    page = sign_in(chromium, live_server, "lead_a")
    page.goto(links[0])
    assert page.locator("h1").first.text_content().strip() == org.colleague.name

    page.goto(f"{live_server.url}/teams/{org.team_a.pk}/dashboard/")
    row = page.locator("#certificates .sl-certificate")
    assert row.count() == 1
    annotation = row.first.text_content()
    assert org.colleague.name in annotation and FGAS in annotation
    assert "−50.0" in annotation and "100 % → 50 %" in " ".join(annotation.split())
    assert "1" == text(page, "#key-certificates .sl-headline-value")
    shot(page, "certificate-journey-dashboard")
