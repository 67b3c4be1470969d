from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("<int:job_id>/", views.job_detail, name="job_detail"),
    path("<int:job_id>/status/", views.job_status, name="job_status"),
    path("<int:job_id>/cancel/", views.job_cancel, name="job_cancel"),
    path("<int:job_id>/finish/", views.job_finish, name="job_finish"),
]
