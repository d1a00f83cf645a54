from django.apps import AppConfig


class HeritageConfig(AppConfig):
    name = "heritage"
    verbose_name = "Heritage damage registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from heritage import signals  # noqa: F401  (connects the consensus receivers)
