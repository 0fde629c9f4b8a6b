from django.urls import path

from . import views

app_name = "pledges"
urlpatterns = [
    # The short address printed as a QR code on certificates.
    path("v/<str:number>/", views.verify, name="verify"),
]
