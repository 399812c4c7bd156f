"""WSGI entry for several workers: ``gunicorn trytond.modules.crm_plus.wsgi:app``

Use it instead of ``trytond.application:app``: it is the same application,
with the framework seam (framework.py) installed before the first request.
``TRYTOND_CONFIG`` names the configuration and ``TRYTOND_DATABASE_NAMES``
the databases to load at start, as for ``trytond.application``.
"""
from trytond.application import app

from . import framework

framework.install()
# Importing this module imported the package before trytond.application
# loaded the backend: the package did not register its routes then
from . import import_routes  # noqa: E402

import_routes()

__all__ = ['app']
