from django.urls import path

from . import views

app_name = "operations"

urlpatterns = [
    path("systems/", views.system_list, name="system_list"),
    path("import/", views.import_file, name="import"),
    path("teams/<int:team_id>/systems/", views.team_systems, name="team_systems"),
    path("teams/<int:team_id>/suggestions/", views.team_suggestions, name="team_suggestions"),
    path("teams/<int:team_id>/suggestions/accept/", views.suggestion_accept, name="suggestion_accept"),
    path("teams/<int:team_id>/duty/", views.team_duty, name="team_duty"),
    path("teams/<int:team_id>/duty/strip/", views.team_duty_strip, name="team_duty_strip"),
    path("teams/<int:team_id>/dispatch-export/", views.dispatch_export, name="dispatch_export"),
]
