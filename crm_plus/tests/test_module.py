from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.party.tests import (
    PartyCheckEraseMixin, PartyCheckReplaceMixin)
from trytond.tests.test_tryton import ModuleTestCase


class CrmPlusTestCase(
        CompanyTestMixin, PartyCheckReplaceMixin, PartyCheckEraseMixin,
        ModuleTestCase):
    "Test crm_plus module"
    module = 'crm_plus'


del ModuleTestCase
