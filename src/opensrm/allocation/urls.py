from django.urls import path

from opensrm.allocation import views

app_name = "territories"

urlpatterns = [
    path("", views.scenario_list, name="scenario_list"),
    path("new/", views.scenario_create, name="scenario_create"),
    path("<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("<int:pk>/solve/", views.scenario_solve, name="scenario_solve"),
    path("<int:pk>/apply/", views.scenario_apply, name="scenario_apply"),
    path("<int:pk>/rollback/", views.scenario_rollback, name="scenario_rollback"),
    path("<int:pk>/pareto/", views.scenario_pareto, name="scenario_pareto"),
    path("<int:pk>/pareto/use/", views.scenario_pareto_use, name="scenario_pareto_use"),
]
