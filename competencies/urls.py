from django.urls import path

from . import views

app_name = "competencies"

urlpatterns = [
    path("<int:employee_id>/", views.employee_detail, name="employee_detail"),
]
