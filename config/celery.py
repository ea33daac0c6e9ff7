"""The Celery application. The beat schedule is declared in settings (CELERY_BEAT_SCHEDULE)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("scs_registry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
