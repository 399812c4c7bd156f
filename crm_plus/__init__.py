"""crm_plus: a CRM for Chinese SMBs on Tryton 8.0.

Registration is declared in tryton.cfg and in each domain folder's
tryton.cfg (customer/, sales/, ...).
"""

from . import web

__all__ = [web]
