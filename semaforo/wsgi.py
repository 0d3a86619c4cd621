"""WSGI entry point (gunicorn semaforo.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semaforo.settings")

application = get_wsgi_application()
