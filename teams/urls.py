from django.urls import include, path

from . import views, views_staffing

app_name = "teams"

urlpatterns = [
    path("organisation/", views.organisation, name="organisation"),
    path("<int:team_id>/", views.team_detail, name="team_detail"),
    path("<int:team_id>/dashboard/", views.dashboard, name="dashboard"),
    path("<int:team_id>/matrix/", views.matrix, name="matrix"),
    path("<int:team_id>/staffing-hints/", views.staffing_hints, name="staffing_hints"),
    path("<int:team_id>/staffing-requests/new/", views_staffing.request_send, name="staffing_request_send"),
    path("staffing-requests/", views_staffing.request_list, name="staffing_requests"),
    path("staffing-requests/<int:pk>/", views_staffing.request_detail, name="staffing_request"),
    path("<int:team_id>/what-if/", views.what_if, name="what_if"),
    path("<int:team_id>/department/", views.department, name="department"),
    # Leader confirmation of self-assessments and assessment campaigns.
    path("", include("teams.urls_review")),
]
