from django.urls import path

from . import catalogue_views as views

app_name = "catalogue"

urlpatterns = [
    path("", views.catalogue_list, name="list"),
    path("search/", views.competency_search, name="search"),
    path("sheet/", views.catalogue_sheet, name="sheet"),
    path("<int:competency_id>/retire/", views.competency_retire, name="retire"),
    path("<int:competency_id>/reinstate/", views.competency_reinstate, name="reinstate"),
    path("<int:competency_id>/merge/", views.competency_merge, name="merge"),
    path("merges/<int:merge_id>/", views.merge_detail, name="merge_detail"),
    path("merges/<int:merge_id>/undo/", views.merge_decide, {"decision": "undo"}, name="merge_undo"),
    path("merges/<int:merge_id>/confirm/", views.merge_decide, {"decision": "confirm"}, name="merge_confirm"),
    path("esco/", views.esco_page, name="esco"),
    path("esco/upload/", views.esco_upload, name="esco_upload"),
    path("esco/adopt/", views.esco_adopt, name="esco_adopt"),
    path("propose/", views.propose, name="propose"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal_detail"),
]
