from django.urls import path

from . import views

urlpatterns = [
    path("registrations/<str:code>/<str:token>/", views.registration_detail, name="registration_detail"),
]
