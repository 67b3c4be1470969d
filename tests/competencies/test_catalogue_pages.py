"""The catalogue pages (#15 items 3, 4, 6): list with search and pagination, retire, merge and undo, ESCO
upload/search/adopt, proposals from employee to HR and back, the self-assessment's competency search."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies import governance
from competencies.models import Competency, CompetencyMerge, CompetencyProposal, EscoSkill
from competencies.todos import employee_todos, hr_todos, todo_context
from tests.competencies.test_esco import DE, EN, HEADINGS, TICKET, esco_csv
from tests.factories import AssessmentFactory, CategoryFactory, CompetencyFactory, default_scale


def test_the_list_paginates_searches_and_stays_within_its_queries(client_for, django_assert_max_num_queries):
    category = CategoryFactory(name="Area")
    Competency.objects.bulk_create(
        Competency(category=category, scale=default_scale(), name=f"Skill {n:03d}") for n in range(120)
    )
    client = client_for("hr")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalogue:list"))
    assert response.status_code == 200
    assert len(response.context["page"]) == 50 and response.context["page"].paginator.num_pages == 3
    response = client.get(reverse("catalogue:list"), {"q": "skill 11"})
    # Every word must occur in the name: "11" in 011 and 110–119.
    assert [c.name for c in response.context["page"]] == ["Skill 011"] + [
        f"Skill {n}" for n in range(110, 120)
    ]


def test_retire_then_merge_into_it_is_refused_with_a_message(client_for):
    keep, duplicate = CompetencyFactory(name="Ticket system"), CompetencyFactory(name="Ticketing")
    client = client_for("hr")
    client.post(reverse("catalogue:retire", args=[keep.pk]))
    keep.refresh_from_db()
    assert keep.retired_at is not None
    response = client.post(reverse("catalogue:merge", args=[duplicate.pk]), {"target": keep.pk}, follow=True)
    assert "“Ticket system” is retired" in response.content.decode()
    response = client.post(
        reverse("catalogue:merge", args=[duplicate.pk]), {"target": duplicate.pk}, follow=True
    )
    assert "cannot be merged into itself" in response.content.decode()
    assert not CompetencyMerge.objects.exists()


def test_merge_page_suggests_the_duplicate_then_undo(client_for, org):
    keep = CompetencyFactory(name="Heat pump diagnostics")
    duplicate = CompetencyFactory(name="Heat-pump diagnostic")
    AssessmentFactory(employee=org.employee, competency=duplicate)
    client = client_for("hr")
    response = client.get(reverse("catalogue:merge", args=[duplicate.pk]))
    assert [row["competency"] for row in response.context["candidates"]][0] == keep
    response = client.post(reverse("catalogue:merge", args=[duplicate.pk]), {"target": keep.pk}, follow=True)
    merge = CompetencyMerge.objects.get()
    assert response.context["summary"] == {"assessments": 1}
    client.post(reverse("catalogue:merge_undo", args=[merge.pk]))
    merge.refresh_from_db()
    assert merge.status == CompetencyMerge.Status.UNDONE
    assert duplicate.assessments.count() == 1


def test_esco_upload_of_the_wrong_shape_writes_nothing(client_for):
    bad = esco_csv(EN, headings=[h for h in HEADINGS if h != "conceptUri"])
    response = client_for("hr").post(
        reverse("catalogue:esco_upload"),
        {"file_1": SimpleUploadedFile("skills_en.csv", bad), "language_1": "en", "version": "v1.2.0"},
    )
    assert response.status_code == 400
    assert "the column conceptUri is missing" in response.content.decode()
    assert not EscoSkill.objects.exists()


def test_esco_upload_search_and_adopt(client_for):
    client = client_for("hr")
    response = client.post(
        reverse("catalogue:esco_upload"),
        {
            "file_1": SimpleUploadedFile("skills_de.csv", esco_csv(DE)),
            "language_1": "de",
            "file_2": SimpleUploadedFile("skills_en.csv", esco_csv(EN)),
            "language_2": "en",
            "version": "v1.2.0",
        },
    )
    assert response.status_code == 200 and "3 new" in response.content.decode()
    response = client.get(reverse("catalogue:esco"), {"q": "störungsmeldungen"})
    assert [row["skill"].uri for row in response.context["rows"]] == [TICKET]
    category = CategoryFactory(name="Service desk")
    client.post(
        reverse("catalogue:esco_adopt"),
        {"uris": [TICKET], "category": category.pk, "scale": default_scale().pk, "q": "tickets"},
    )
    competency = Competency.objects.get(esco_uri=TICKET)
    assert (competency.category, competency.esco_version) == (category, "v1.2.0")


def test_a_proposal_goes_to_hr_and_the_decision_back(client_for, org):
    existing = CompetencyFactory(name="Heat pump diagnostics", category=CategoryFactory(name="Technical"))
    employee = client_for("employee")
    response = employee.post(
        reverse("catalogue:propose"),
        {"name": "heat pump diagnostics", "justification": "We need it", "confirm": "on"},
    )
    assert "is in the catalogue already (Technical)" in response.content.decode()
    response = employee.post(
        reverse("catalogue:propose"), {"name": "Heat pump diagnosis", "justification": "Field"}
    )
    assert "Similar competencies" in response.content.decode()
    assert existing.name in response.content.decode()
    assert not CompetencyProposal.objects.exists()
    employee.post(
        reverse("catalogue:propose"), {"name": "Heat pump sizing", "justification": "Customers ask"}
    )
    proposal = CompetencyProposal.objects.get()
    hr_items = hr_todos(todo_context(user=org.users["hr"]))
    assert [item.kind for item in hr_items] == ["proposal_open"] and "Heat pump sizing" in hr_items[0].text
    hr = client_for("hr")
    response = hr.post(reverse("catalogue:proposal_detail", args=[proposal.pk]), {"decision": "decline"})
    assert "Give the proposer a reason" in response.content.decode()
    hr.post(
        reverse("catalogue:proposal_detail", args=[proposal.pk]),
        {"decision": "decline", "reason": "Covered by the diagnostics course"},
    )
    proposal.refresh_from_db()
    assert proposal.status == CompetencyProposal.Status.DECLINED
    items = employee_todos(todo_context(user=org.users["employee"]))
    assert any(
        item.kind == "proposal_decided" and "Covered by the diagnostics course" in item.text for item in items
    )
    assert hr_todos(todo_context(user=org.users["hr"])) == []


def test_accept_a_proposal_into_a_category(client_for, org):
    proposal = CompetencyProposal.objects.create(
        name="Heat pump sizing", justification="x", proposed_by=org.users["employee"]
    )
    category = CategoryFactory()
    client_for("hr").post(
        reverse("catalogue:proposal_detail", args=[proposal.pk]),
        {"decision": "accept", "category": category.pk, "scale": default_scale().pk},
    )
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.competency.category == category
    assert proposal.competency.name == "Heat pump sizing"


@pytest.mark.parametrize("query", ["heat", "HEAT PUMP"])
def test_competency_search_finds_only_competencies_in_use(client_for, query):
    CompetencyFactory(name="Heat pump diagnostics")
    governance.competency_retire(competency=CompetencyFactory(name="Heat pump (old)"))
    response = client_for("employee").get(reverse("catalogue:search"), {"q": query})
    assert [c.name for c in response.context["found"]] == ["Heat pump diagnostics"]


def test_hr_merges_a_proposal_into_a_competency_it_searched_for(client_for, org):
    proposal = CompetencyProposal.objects.create(
        name="Wärmepumpen-Diagnose", justification="x", proposed_by=org.users["employee"]
    )
    existing = CompetencyFactory(name="Heat pump diagnostics")
    client = client_for("hr")
    response = client.get(reverse("catalogue:proposal_detail", args=[proposal.pk]), {"q": "heat pump"})
    assert [row["competency"] for row in response.context["candidates"]] == [existing]
    client.post(
        reverse("catalogue:proposal_detail", args=[proposal.pk]),
        {"decision": "merge", "competency": existing.pk},
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.competency) == ("merged", existing)
    items = employee_todos(todo_context(user=org.users["employee"]))
    assert any("is covered by “Heat pump diagnostics”" in item.text for item in items)
