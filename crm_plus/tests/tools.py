"""Shared pieces of crm_plus's module tests."""
from trytond.tests.test_tryton import activate_module, drop_db


class CrmPlusDatabase:
    """Mixin of a test case with a database of its own where crm_plus is
    activated (restored from DB_CACHE when there is one), dropped after the
    case so that the next one starts clean"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()
