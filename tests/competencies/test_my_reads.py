"""An employee sees who read their individual data, when and on which page: the read audit shown to the
person it is about (their own profile reads, and the team pages read while they were in the team),
filterable by page and dates; nobody sees another person's list here."""

import datetime

from django.urls import reverse
from django.utils import timezone

from competencies.audit import audit_record_view
from competencies.models import AuditEntry
from tests import factories

URL = reverse("competencies:my_reads")


def test_the_employee_sees_who_read_their_data_and_on_which_page(
    client_for, org, django_assert_max_num_queries
):
    lead, hr = org.users["lead_a"], org.users["hr"]
    audit_record_view(actor=lead, what=AuditEntry.Read.PROFILE, employee=org.employee)
    audit_record_view(actor=hr, what=AuditEntry.Read.PLAN, employee=org.employee)
    audit_record_view(actor=lead, what=AuditEntry.Read.TEAM_DASHBOARD, team=org.team_a)
    # Not about her: a colleague's profile, and the dashboard of a team she is not in.
    audit_record_view(actor=lead, what=AuditEntry.Read.PROFILE, employee=org.colleague)
    audit_record_view(actor=org.users["lead_b"], what=AuditEntry.Read.TEAM_DASHBOARD, team=org.team_b)
    client = client_for("employee")
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    rows = [(row["actor"], row["what"], row["team"]) for row in response.context["rows"]]
    assert sorted(rows) == sorted(
        [
            (lead.get_full_name() or lead.username, "Profile", ""),
            (hr.get_full_name() or hr.username, "Qualification plan", ""),
            (lead.get_full_name() or lead.username, "Team dashboard", org.team_a.name),
        ]
    )
    page = response.content.decode()
    assert "Purpose" in page


def test_the_list_filters_by_page_and_dates(client_for, org):
    lead = org.users["lead_a"]
    old = audit_record_view(actor=lead, what=AuditEntry.Read.PROFILE, employee=org.employee)
    AuditEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    audit_record_view(actor=lead, what=AuditEntry.Read.REVIEW, employee=org.employee)
    client = client_for("employee")
    assert [row["what"] for row in client.get(URL, {"what": "review"}).context["rows"]] == ["Review page"]
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert [row["what"] for row in client.get(URL, {"since": since}).context["rows"]] == ["Review page"]
    # Bad filters are a clear message, not a 500 and not a silently ignored filter.
    response = client.get(URL, {"since": "31.12.99", "what": "nonsense"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_team_reads_count_only_while_the_person_was_in_the_team(client_for, org):
    entry = audit_record_view(actor=org.users["lead_b"], what=AuditEntry.Read.TEAM_DASHBOARD, team=org.team_b)
    membership = factories.MembershipFactory(
        employee=org.employee, team=org.team_b, start=timezone.localdate() - datetime.timedelta(days=5)
    )
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    assert client_for("employee").get(URL).context["rows"] == []
    membership.start = timezone.localdate() - datetime.timedelta(days=60)
    membership.save()
    assert len(client_for("employee").get(URL).context["rows"]) == 1


def test_people_without_an_employee_record_get_404(client_for):
    assert client_for("hr").get(URL).status_code == 404


def test_the_own_profile_links_to_the_list(client_for, org):
    page = client_for("employee").get(reverse("competencies:employee_detail", args=[org.employee.pk]))
    assert f'href="{URL}"' in page.content.decode()
