"""WSGI entry point for gunicorn: `gunicorn trainer.wsgi`."""
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainer.settings.prod")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, settings) lives as long as the process: moving it out
# of the collector's generations keeps full collections short, which the big supervisor pages
# (grid, agreement) triggered several times a minute. Standard practice for CPython web servers.
gc.collect()
gc.freeze()
