from django.urls import path

from opensrm.core import views

urlpatterns = [path("healthz", views.healthz, name="healthz")]
