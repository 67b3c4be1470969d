from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors
from .permissions import employee_for_levels


@login_required
def home(request):
    return render(request, "home.html", {})


@login_required
def employee_detail(request, employee_id):
    employee = employee_for_levels(request.user, employee_id)
    levels = selectors.employee_effective_levels(employee=employee)
    return render(request, "competencies/employee_detail.html", {"employee": employee, "levels": levels})
