"""WSGI entry point for gunicorn: `gunicorn trainer.wsgi`."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainer.settings.prod")
application = get_wsgi_application()
