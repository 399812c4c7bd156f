import datetime as dt
import unittest
from unittest.mock import patch

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus.customer import party as party_module
from trytond.modules.crm_plus.customer.party import age_at
from trytond.modules.party.exceptions import InvalidIdentifierCode
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction


class AgeTestCase(unittest.TestCase):
    "Test the age of individual customers"

    def test_before_birthday(self):
        self.assertEqual(
            age_at(dt.date(1990, 6, 15), dt.date(2020, 6, 14)), 29)

    def test_on_birthday(self):
        self.assertEqual(
            age_at(dt.date(1990, 6, 15), dt.date(2020, 6, 15)), 30)

    def test_after_birthday(self):
        self.assertEqual(
            age_at(dt.date(1990, 6, 15), dt.date(2021, 1, 1)), 30)

    def test_leap_day(self):
        born = dt.date(2000, 2, 29)
        self.assertEqual(age_at(born, dt.date(2018, 2, 28)), 17)
        self.assertEqual(age_at(born, dt.date(2018, 3, 1)), 18)
        self.assertEqual(age_at(born, dt.date(2020, 2, 29)), 20)

    def test_unknown(self):
        self.assertIsNone(age_at(None, dt.date(2020, 1, 1)))
        self.assertIsNone(age_at(dt.date(2020, 1, 2), dt.date(2020, 1, 1)))


class ProfileTestCase(unittest.TestCase):
    "Test the customer profile"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module('crm_plus')
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_uscc_valid(self):
        "A valid USCC is stored as a cn_vat identifier and found"
        Party = Pool().get('party.party')
        party, = Party.create([{
                    'name': "Enterprise",
                    'crm_kind': 'enterprise',
                    'crm_uscc': ' 91110000600037341L ',
                    }])
        identifier, = party.identifiers
        self.assertEqual(
            (identifier.type, identifier.code),
            ('cn_vat', '91110000600037341L'))
        self.assertEqual(party.crm_uscc, '91110000600037341L')
        self.assertEqual(
            Party.search([('crm_uscc', 'ilike', '%600037341%')]), [party])

        Party.write([party], {'crm_uscc': None})
        self.assertEqual(party.identifiers, ())
        self.assertIsNone(party.crm_uscc)

    @with_transaction()
    def test_uscc_invalid(self):
        "An invalid USCC is refused"
        Party = Pool().get('party.party')
        for code in ['91110000600037341X', '123', '9111000060003734']:
            with self.subTest(code=code), \
                    self.assertRaises(InvalidIdentifierCode):
                Party.create([{
                            'name': "Enterprise",
                            'crm_kind': 'enterprise',
                            'crm_uscc': code,
                            }])

    @with_transaction()
    def test_lifecycle_set_for_customers(self):
        "Parties becoming CRM customers start as potential"
        Party = Pool().get('party.party')
        party, = Party.create([{'name': "Supplier"}])
        Party.write([party], {'crm_kind': 'individual'})
        self.assertEqual(party.crm_lifecycle, 'potential')

    @with_transaction()
    def test_flag_inactive(self):
        "Active customers without recent sale are flagged at risk"
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        Configuration = pool.get('crm.configuration')
        table = Sale.__table__()
        cursor = Transaction().connection.cursor()
        company = create_company()
        with set_company(company):
            old, recent, never, potential = Party.create([
                    {'name': n, 'crm_kind': 'enterprise',
                        'crm_lifecycle': l}
                    for n, l in [
                        ("Old", 'active'), ("Recent", 'active'),
                        ("Never", 'active'), ("Potential", 'potential')]])
            day = dt.date(2025, 1, 1)
            for party, date, state in [
                    (old, day - dt.timedelta(days=181), 'done'),
                    (recent, day - dt.timedelta(days=180), 'confirmed'),
                    (recent, day - dt.timedelta(days=400), 'done'),
                    (old, day - dt.timedelta(days=10), 'cancelled'),
                    ]:
                sale = Sale(party=party, sale_date=date)
                sale.save()
                # The states without going through the sale workflow
                cursor.execute(*table.update(
                        [table.state], [state], where=table.id == sale.id))

            self.assertEqual(Party._crm_last_activity_dates(
                    [old, recent, never]), {
                    old.id: day - dt.timedelta(days=181),
                    recent.id: day - dt.timedelta(days=180),
                    })

            flagged = Party.crm_flag_inactive(day)
            self.assertEqual(set(flagged), {old})
            self.assertEqual(
                [p.crm_lifecycle for p in [old, recent, never, potential]],
                ['at_risk', 'active', 'active', 'potential'])

            # Without sale, the creation date counts; one customer a slice
            later = never.create_date.date() + dt.timedelta(days=181)
            with patch.object(party_module, 'WRITE_SLICE', 1):
                flagged = Party.crm_flag_inactive(later)
            self.assertEqual(set(flagged), {recent, never})
            self.assertEqual(
                [p.crm_lifecycle for p in [recent, never]],
                ['at_risk', 'at_risk'])

            Configuration.write([Configuration(1)], {
                    'crm_inactivity_days': None})
            Party.write([recent], {'crm_lifecycle': 'active'})
            self.assertEqual(
                Party.crm_flag_inactive(day + dt.timedelta(days=1000)), [])
