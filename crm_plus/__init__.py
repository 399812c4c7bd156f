"""crm_plus: a CRM for Chinese SMBs on Tryton 8.0.

Registration is declared in tryton.cfg and in each domain folder's
tryton.cfg (customer/, sales/, ...).  Importing the package installs the
framework seam (framework.py) before the pool serves anything.
"""
import sys

from . import framework

framework.install()

# The web routes import trytond.wsgi, which picks the database backend: not
# when the crm-plus command imports this package before reading trytond.conf
# (a server has loaded the backend before it loads its modules)


def import_routes():
    "Import the modules declaring the routes of crm_plus (in one place)"
    from . import web  # noqa: F401
    from .api import routes  # noqa: F401
    from .service import kb_web, survey_web, webform  # noqa: F401
    from .marketing import campaign_web, lead_web  # noqa: F401


if 'trytond.backend' in sys.modules:
    import_routes()
