from django.urls import path

from . import import_views

app_name = "imports"

urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("commit/", import_views.commit, name="commit"),
    path("jobs/<int:job_id>/", import_views.job_detail, name="job"),
    path("jobs/<int:job_id>/status/", import_views.job_status, name="job_status"),
]
