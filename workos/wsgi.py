import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workos.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, the URLconf, the schema) lives as long as the worker:
# move it out of the collector's generations, so the collections that a page's tens of
# thousands of short-lived rows trigger walk only those rows.
gc.freeze()
# Collect the youngest generation less often: a request's rows are freed by reference counting
# anyway, and each collection of a large page was a measurable slice of its time.
gc.set_threshold(20_000, 20, 20)
