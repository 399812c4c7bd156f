"""crm_plus: a CRM for Chinese SMBs on Tryton 8.0.

Registration is declared in tryton.cfg and in each domain folder's
tryton.cfg (customer/, sales/, ...).  Importing the package installs the
framework seam (framework.py) before the pool serves anything.
"""
from . import framework, web

framework.install()

__all__ = ['web']
