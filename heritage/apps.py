from django.apps import AppConfig


class HeritageConfig(AppConfig):
    name = "heritage"
    verbose_name = "Heritage damage registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from heritage import limits, signals  # noqa: F401  (connect their receivers)
