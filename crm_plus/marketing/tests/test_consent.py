"""Consents: the newest record of a person and channel decides, and a
consent once recorded is never changed."""
import unittest

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from trytond.modules.crm_plus.tests.tools import CrmPlusDatabase


class ConsentTestCase(CrmPlusDatabase, unittest.TestCase):
    "Test consents"

    @with_transaction()
    def test_newest_decides(self):
        "A withdrawal after a grant wins, a grant after it wins again"
        pool = Pool()
        Party = pool.get('party.party')
        Consent = pool.get('crm.consent')
        a, b, c = Party.create([{'name': n} for n in "ABC"])
        Consent.record([a, b], 'email', 'granted', "web form", "同意")
        Consent.record([b], 'email', 'withdrawn', "unsubscribe link")
        Consent.record([c], 'sms', 'granted', "call")
        self.assertEqual(Consent.granted([a, b, c], 'email'), {a.id})
        self.assertEqual(Consent.granted([a, b, c], 'sms'), {c.id})
        Consent.record([b], 'email', 'granted', "call")
        self.assertEqual(Consent.granted([a, b, c], 'email'), {a.id, b.id})
        # the log keeps every step
        self.assertEqual(
            [x.status for x in Consent.search([('party', '=', b.id)],
                    order=[('id', 'ASC')])],
            ['granted', 'withdrawn', 'granted'])

    @with_transaction()
    def test_immutable(self):
        "A recorded consent cannot be changed"
        pool = Pool()
        Party = pool.get('party.party')
        Consent = pool.get('crm.consent')
        party, = Party.create([{'name': "A"}])
        consent, = Consent.record([party], 'phone', 'granted', "call")
        with self.assertRaises(AccessError):
            Consent.write([consent], {'status': 'withdrawn'})
        self.assertEqual(consent.status, 'granted')
