"""WSGI entry point for gunicorn: `gunicorn trainer.wsgi`."""
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainer.settings.prod")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, settings) lives as long as the process: moving it out
# of the collector's generations keeps full collections short, and a higher first threshold runs
# them less often: the supervisor pages allocate tens of thousands of objects a request, and the
# default (700) collected several times within each. Common tuning for CPython web servers.
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 20)
