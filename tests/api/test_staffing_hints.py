"""The staffing hints over the API keep the privacy threshold (docs/domain.md): no filter or date
narrows a count of holders below it."""

from django.urls import reverse

from teams.models import Membership
from tests.teams.test_privacy_threshold import gap_elsewhere, holders_in_team_b  # noqa: F401 (fixture)

# The API: no filter or date narrows a count below the threshold ----------------------------------------


def api_hints(client, org, query=""):
    response = client.get(reverse("api:team_staffing_hints", kwargs={"team_id": org.team_a.pk}) + query)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_api_counts_like_the_page_and_filters_and_dates_do_not_narrow_below_the_threshold(
    api_for,
    gap_elsewhere,  # noqa: F811 (the fixture imported above)
):
    org = gap_elsewhere
    holders_in_team_b(org, [3, 3, 3, 3, 3])
    lead = api_for("lead_a")
    [hint] = api_hints(lead, org)
    assert hint["elsewhere"] == {"count": 5, "threshold": 5}
    assert hint["candidates"] == []
    # Narrowed to the competency: the same count. Before the holders were rated (a date): hidden, not 0.
    assert api_hints(lead, org, f"?competency={org.topic.pk}")[0]["elsewhere"]["count"] == 5
    past = api_hints(lead, org, "?date=2000-01-01")
    assert all(h["elsewhere"]["count"] is None for h in past)
    # One holder leaves: 4 left, hidden.
    Membership.objects.filter(team=org.team_b, employee__name="Holder 0").delete()
    assert api_hints(lead, org)[0]["elsewhere"]["count"] is None
    # HR sees the people themselves, no count (Holder 0, in no team now, comes first: nobody misses them).
    [hint] = api_hints(api_for("hr"), org)
    assert hint["elsewhere"] is None and [c["name"] for c in hint["candidates"]][0] == "Holder 0"
    assert (
        api_for("lead_a")
        .get(reverse("api:team_staffing_hints", kwargs={"team_id": org.team_a.pk}) + "?competency=x")
        .status_code
        == 400
    )
