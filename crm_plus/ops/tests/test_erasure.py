from sql.aggregate import Count

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus.tests.tools import CrmPlusDatabase
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction


class ErasureLogTestCase(CrmPlusDatabase, TestCase):
    "Test the erasure log and the erasure of consents"

    def erase(self, party, reference=None):
        Erase = Pool().get('party.erase', type='wizard')
        session_id, _, _ = Erase.create()
        erase = Erase(session_id)
        erase.ask.party = party
        erase.ask.crm_reference = reference
        erase.transition_erase()

    def figures(self):
        "The aggregate figures a report reads: interactions and durations"
        Interaction = Pool().get('crm.interaction')
        table = Interaction.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(Count(table.id), table.party,
                group_by=[table.party], order_by=[table.party]))
        return cursor.fetchall()

    @with_transaction()
    def test_erasure_logged_without_personal_data(self):
        "The erasure leaves a log entry with counts and no personal data"
        pool = Pool()
        Party = pool.get('party.party')
        Consent = pool.get('crm.consent')
        Interaction = pool.get('crm.interaction')
        Log = pool.get('crm.erasure.log')
        company = create_company()
        with set_company(company):
            party, other = Party.create([{
                        'name': "王秀英",
                        'crm_kind': 'individual',
                        'contact_mechanisms': [('create', [
                                    {'type': 'mobile',
                                        'value': '+8613812345678'},
                                    {'type': 'email',
                                        'value': 'wangxiuying@example.cn'},
                                    ])],
                        }, {'name': "李娜", 'crm_kind': 'individual'}])
            Interaction.create([{'party': p.id, 'subject': "回访王秀英"}
                    for p in [party, party, other]])
            Consent.record([party], 'email', 'granted', "网页表单",
                text="同意接收王秀英的资讯")
            Consent.record([party], 'sms', 'withdrawn', "短信退订")
            other_consent, = Consent.record([other], 'email', 'granted',
                "网页表单")
            figures = self.figures()
            Party.write([party], {'active': False})
            self.erase(party, reference="PIPL-2026-0042")

        self.assertEqual(self.figures(), figures)
        self.assertEqual(Consent.search([]), [other_consent])
        log, = Log.search([])
        self.assertEqual(log.party_number, party.id)
        self.assertEqual(log.reference, "PIPL-2026-0042")
        self.assertEqual(log.user.id, Transaction().user)
        self.assertTrue(log.date)
        counts = dict(line.split(': ') for line in log.counts.splitlines())
        self.assertEqual(counts['party.party'], '1')
        self.assertEqual(counts['party.contact_mechanism'], '2')
        self.assertEqual(counts['crm.interaction'], '2')
        self.assertEqual(counts['crm.consent'], '2')
        self.assertEqual(log.records, sum(map(int, counts.values())))
        text = repr(Log.read([log.id], list(Log._fields)))
        for personal in ["王秀英", "秀英", "13812345678", "wangxiuying"]:
            self.assertNotIn(personal, text)
        # the person's data is gone, the other's stays
        self.assertNotEqual(Party(party.id).name, "王秀英")
        self.assertEqual(Party(other.id).name, "李娜")

    @with_transaction()
    def test_log_read_only(self):
        "The erasure log cannot be changed"
        pool = Pool()
        Party = pool.get('party.party')
        Log = pool.get('crm.erasure.log')
        party, = Party.create([{'name': "赵六", 'active': False}])
        self.erase(party)
        log, = Log.search([])
        self.assertIsNone(log.reference)
        with self.assertRaises(AccessError):
            Log.write([log], {'reference': "x"})
        with self.assertRaises(AccessError):
            Log.delete([log])
