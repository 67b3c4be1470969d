"""URLs of leader confirmation and campaigns, included into the ``teams`` namespace by teams/urls.py:
``path("", include("teams.urls_review"))``."""

from django.urls import path

from . import views_review

urlpatterns = [
    path("<int:team_id>/review/", views_review.review_queue, name="review_queue"),
    path("<int:team_id>/calibration/", views_review.review_calibration, name="review_calibration"),
    path("review/person/<int:employee_id>/", views_review.review_member, name="review_member"),
    path("campaigns/", views_review.campaign_list, name="campaign_list"),
    path("campaigns/new/", views_review.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", views_review.campaign_detail, name="campaign_detail"),
]
