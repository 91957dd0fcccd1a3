from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo territories. Sits on top of every domain app: it imports them, none imports it."""

    name = "tranquillite.demo"
    label = "demo"
