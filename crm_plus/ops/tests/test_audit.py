import datetime as dt

from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus.tests.tools import CrmPlusDatabase
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction


class AuditTestCase(CrmPlusDatabase, TestCase):
    "Test the change history"

    def entries(self, record):
        Audit = Pool().get('crm.audit')
        return [(a.field, a.old_value, a.new_value) for a in Audit.search(
                [('resource', '=', str(record))], order=[('id', 'ASC')])]

    @with_transaction()
    def test_field_changes(self):
        "A change records the field, its old and new values, user and date"
        pool = Pool()
        Party = pool.get('party.party')
        Audit = pool.get('crm.audit')
        party, = Party.create([{'name': "华信机械", 'crm_kind': 'enterprise'}])
        self.assertEqual(self.entries(party), [])
        Party.write([party], {'name': "华信机械有限公司",
                'crm_website': 'https://huaxin.example.com/'})
        self.assertEqual(sorted(self.entries(party)), [
                ('crm_website', '', 'https://huaxin.example.com/'),
                ('name', "华信机械", "华信机械有限公司"),
                ])
        entry, = Audit.search([('field', '=', 'name')])
        self.assertEqual(entry.user.id, Transaction().user)
        self.assertTrue(entry.date)
        # no entry when nothing changed
        Party.write([party], {'name': "华信机械有限公司"})
        self.assertEqual(len(self.entries(party)), 2)
        self.assertIn("华信机械 → 华信机械有限公司",
            Party(party.id).crm_change_history)

    @with_transaction()
    def test_sensitive_masked(self):
        "A sensitive field is recorded as changed, without its values"
        pool = Pool()
        Party = pool.get('party.party')
        party, = Party.create([{'name': "王小明", 'crm_kind': 'individual'}])
        Party.write([party], {'crm_birthday': dt.date(1990, 5, 1)})
        self.assertIn(('crm_birthday', '***', '***'), self.entries(party))
        self.assertNotIn('1990', str(self.entries(party)))

    @with_transaction()
    def test_refused_save_records_nothing(self):
        "A refused change records no history"
        pool = Pool()
        Party = pool.get('party.party')
        party, = Party.create([{'name': "华信", 'crm_kind': 'enterprise'}])
        with self.assertRaises(UserError):
            Party.write([party], {'crm_uscc': '91310000000000000X'})
        self.assertEqual(self.entries(party), [])

    @with_transaction()
    def test_ticket_and_erase(self):
        "Ticket changes are recorded; erasing the person erases them"
        pool = Pool()
        Party = pool.get('party.party')
        Ticket = pool.get('crm.ticket')
        Erase = pool.get('party.erase', type='wizard')
        company = create_company()
        with set_company(company):
            party, = Party.create([{'name': "李四", 'crm_kind': 'individual'}])
            ticket, = Ticket.create([{'party': party.id, 'subject': "漏油"}])
            Ticket.write([ticket], {'priority': 'urgent',
                    'subject': "漏油严重"})
            self.assertIn(('subject', "漏油", "漏油严重"), self.entries(ticket))
            Party.write([party], {'name': "李四（已注销）"})
            Party.write([party], {'active': False})
            session_id, _, _ = Erase.create()
            erase = Erase(session_id)
            erase.ask.party = party
            erase.transition_erase()
        self.assertEqual(self.entries(ticket), [])
        self.assertEqual(self.entries(party), [])
