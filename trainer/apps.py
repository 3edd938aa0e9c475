from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trainer"
    verbose_name = _("人员与带教")

    def ready(self) -> None:
        # Django 6.1's blank choice ("- Select an option -") has no Chinese translation yet; ours
        # is a msgid like every other string, with its English in our catalogue.
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("- 请选择 -")
