from django.urls import path

from . import verification

app_name = "pledges"
urlpatterns = [
    # The short address printed as a QR code on certificates.
    path("v/<str:number>/", verification.verify, name="verify"),
]
