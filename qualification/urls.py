from django.urls import path

from . import views, views_annex

app_name = "qualification"

urlpatterns = [
    path("", views.index, name="index"),
    path("works-agreement-annex/", views_annex.works_agreement_annex, name="works_agreement_annex"),
    path("my-plan/", views.my_plan, name="my_plan"),
    path("generate/", views.generate, name="generate"),
    path("export/", views.export, name="export"),
    path("teams/<int:team_id>/", views.team_plans, name="team_plans"),
    path("teams/<int:team_id>/progress/", views.team_progress, name="team_progress"),
    path("teams/<int:team_id>/interests/", views.team_interests, name="team_interests"),
    path("jobs/<int:job_id>/download/", views.job_download, name="job_download"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/propose/", views.plan_propose, name="plan_propose"),
    path("plans/<int:plan_id>/agree/", views.plan_agree, name="plan_agree"),
    path("plans/<int:plan_id>/request-change/", views.plan_request_change, name="plan_request_change"),
    path("plans/<int:plan_id>/comment/", views.plan_comment, name="plan_comment"),
    path("plans/<int:plan_id>/items/add/", views.item_add, name="item_add"),
    path("plans/<int:plan_id>/certificate/", views.plan_certificate, name="plan_certificate"),
    path("items/<int:item_id>/edit/", views.item_update, name="item_update"),
    path("items/<int:item_id>/drop/", views.item_drop, name="item_drop"),
    path("items/<int:item_id>/progress/", views.item_progress, name="item_progress"),
    path("items/<int:item_id>/complete/", views.item_complete, name="item_complete"),
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/new/", views.measure_create, name="measure_create"),
    path("measures/<int:measure_id>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:measure_id>/edit/", views.measure_update, name="measure_update"),
]
