from django.urls import path

from . import views

app_name = "competencies"

urlpatterns = [
    path("me/assessment/", views.self_assessment, name="self_assessment"),
    path("me/data/<str:fmt>/", views.my_data_export, name="my_data_export"),
    path("me/reads/", views.my_reads, name="my_reads"),
    path("<int:employee_id>/", views.employee_detail, name="employee_detail"),
    path("<int:employee_id>/certificates/new/", views.certificate_create, name="certificate_create"),
    path("<int:employee_id>/history/", views.employee_history, name="employee_history"),
    path("<int:employee_id>/anonymise/", views.employee_anonymise, name="employee_anonymise"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
]
