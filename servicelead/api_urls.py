"""The REST API under /api/v1/; schema at /api/schema/, interactive docs at /api/docs/.

Authentication: the browser session (writes then need the CSRF token), or a token for other programs:
``python manage.py drf_create_token USERNAME`` prints it; send ``Authorization: Token <key>``.
Route names are snake_case like the pages': ``api:employee_list``, ``api:employee_detail``,
``api:team_gap_analysis``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from competencies import api as competencies_api
from operations import api as operations_api
from qualification import api as qualification_api
from teams import api as teams_api

app_name = "api"


class Router(SimpleRouter):
    routes = [route._replace(name=route.name.replace("-", "_")) for route in SimpleRouter.routes]


router = Router()
router.register("scales", competencies_api.ScaleViewSet, basename="scale")
router.register("categories", competencies_api.CategoryViewSet, basename="category")
router.register("competencies", competencies_api.CompetencyViewSet, basename="competency")
router.register("role-profiles", competencies_api.RoleProfileViewSet, basename="role_profile")
router.register("employees", competencies_api.EmployeeViewSet, basename="employee")
router.register("assessments", competencies_api.AssessmentViewSet, basename="assessment")
router.register("teams", teams_api.TeamViewSet, basename="team")
router.register("memberships", teams_api.MembershipViewSet, basename="membership")
router.register("team-requirements", teams_api.TeamRequirementViewSet, basename="team_requirement")
router.register("measures", qualification_api.MeasureViewSet, basename="measure")
router.register("plans", qualification_api.QualificationPlanViewSet, basename="plan")
router.register("plan-items", qualification_api.PlanItemViewSet, basename="plan_item")
router.register("jobs", qualification_api.JobViewSet, basename="job")

urlpatterns = [
    path("teams/<int:team_id>/gap-analysis/", teams_api.gap_analysis, name="team_gap_analysis"),
    path("teams/<int:team_id>/staffing-hints/", teams_api.staffing_hints, name="team_staffing_hints"),
    path("teams/<int:team_id>/systems/", operations_api.team_systems, name="team_systems"),
    path("teams/<int:team_id>/duty/", operations_api.team_duty, name="team_duty"),
    *router.urls,
]
