from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "rapport.workspaces"
    label = "workspaces"
    verbose_name = "Workspaces"
