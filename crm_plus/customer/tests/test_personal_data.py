import datetime as dt
import json

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus.customer.personal_data import personal_data
from trytond.modules.crm_plus.tests.tools import CrmPlusDatabase
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction


class PersonalDataTestCase(CrmPlusDatabase, TestCase):
    "Export and erase everything about one person"

    def person_everywhere(self):
        """A person who is a customer with an address, phone and e-mail, a
        contact of an enterprise, with an interaction, a follow-up, a deal,
        a quotation, a ticket with a message, a survey answer, feedback, a
        consent, a lead and a campaign mail"""
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        Interaction = pool.get('crm.interaction')
        FollowUp = pool.get('crm.follow_up')
        Opportunity = pool.get('sale.opportunity')
        Sale = pool.get('sale.sale')
        Ticket = pool.get('crm.ticket')
        Message = pool.get('crm.ticket.message')
        Survey = pool.get('crm.ticket.survey')
        Feedback = pool.get('crm.feedback')
        Consent = pool.get('crm.consent')
        person, enterprise = Party.create([{
                    'name': "王小明", 'crm_kind': 'individual',
                    'contact_mechanisms': [('create', [
                                {'type': 'mobile', 'value': '13912345678'},
                                {'type': 'email',
                                    'value': 'xiaoming@example.com'}])],
                    'addresses': [('create', [{'street': "人民路 1 号"}])],
                    }, {'name': "企业", 'crm_kind': 'enterprise'}])
        Contact.create([{'enterprise': enterprise.id, 'person': person.id,
                    'position': "采购"}])
        interaction, = Interaction.create([{'party': person.id,
                    'type': 'call', 'subject': "电话回访",
                    'summary': "客户说家里地址变了"}])
        FollowUp.create([{'party': person.id, 'description': "再次回访",
                    'due_date': dt.date.today()}])
        Opportunity.create([{'party': person.id,
                    'description': "购买设备"}])
        Sale.create([{'party': person.id, 'description': "报价"}])
        ticket, = Ticket.create([{'party': person.id, 'subject': "设备漏油",
                    'description': "我家地址：人民路 1 号",
                    'email': 'xiaoming@example.com'}])
        Message.create([{'ticket': ticket.id, 'kind': 'incoming',
                    'body': "请尽快上门"}])
        company = ticket.company.id
        Survey.create([{'ticket': ticket.id, 'party': person.id,
                    'company': company,
                    'csat': 2, 'comment': "配送太慢"}])
        Feedback.create([{'party': person.id, 'text': "物流延迟",
                    'company': company,
                    'rating': 2}])
        Consent.record([person], 'email', 'granted', "展会登记表",
            "同意接收产品资讯邮件")
        Lead = pool.get('crm.lead')
        Lead.create([{'company': company, 'name': "王小明",
                    'phone': "+8613800138000", 'email': "wxm@example.com",
                    'party': person.id}])
        Campaign = pool.get('crm.campaign')
        Recipient = pool.get('crm.campaign.recipient')
        campaign, = Campaign.create([{'company': company, 'name': "新品发布",
                    'waves': [('create', [{'sequence': 1, 'name': "首发"}])]}])
        Recipient.create([{'campaign': campaign.id,
                    'wave': campaign.waves[0].id, 'party': person.id,
                    'channel': 'email', 'address': "wxm@example.com",
                    'state': 'sent'}])
        return person

    @with_transaction()
    def test_export_complete(self):
        "The export holds the records of every model linking to the person"
        pool = Pool()
        company = create_company()
        with set_company(company):
            person = self.person_everywhere()
            data = personal_data(person)
        self.assertEqual(data['party']['name'], "王小明")
        records = data['records']
        for model in ['party.contact_mechanism', 'party.address',
                'crm.contact', 'crm.interaction', 'crm.follow_up',
                'sale.opportunity', 'sale.sale', 'crm.ticket',
                'crm.ticket.message', 'crm.ticket.transition',
                'crm.ticket.survey', 'crm.feedback', 'crm.consent',
                'crm.lead', 'crm.campaign.recipient']:
            with self.subTest(model=model):
                self.assertTrue(records.get(model), sorted(records))
        self.assertEqual(records['crm.ticket.message'][0]['body'],
            "请尽快上门")
        # every model with a record naming the person is in the export
        Ticket = pool.get('crm.ticket')
        self.assertEqual(
            [t['id'] for t in records['crm.ticket']],
            [t.id for t in Ticket.search([('party', '=', person.id)])])
        json.dumps(data, ensure_ascii=False)

    @with_transaction()
    def test_export_wizard(self):
        "The wizard gives the JSON file of the person"
        pool = Pool()
        Export = pool.get('party.party.crm_personal_data', type='wizard')
        company = create_company()
        with set_company(company):
            person = self.person_everywhere()
            session_id, _, _ = Export.create()
            with Transaction().set_context(
                    active_model='party.party', active_id=person.id,
                    active_ids=[person.id]):
                export = Export(session_id)
                values = export.default_start(None)
        data = json.loads(values['file'].decode('utf-8'))
        self.assertEqual(data['party']['id'], person.id)
        self.assertEqual(values['records'],
            sum(len(r) for r in data['records'].values()))

    @with_transaction()
    def test_erase_service(self):
        """Erasing the person erases their words in tickets, surveys and
        feedback, their leads and campaign addresses; the scores of the
        reports stay"""
        pool = Pool()
        Party = pool.get('party.party')
        Ticket = pool.get('crm.ticket')
        Message = pool.get('crm.ticket.message')
        Survey = pool.get('crm.ticket.survey')
        Feedback = pool.get('crm.feedback')
        Erase = pool.get('party.erase', type='wizard')
        company = create_company()
        with set_company(company):
            person = self.person_everywhere()
            Sale = pool.get('sale.sale')
            Sale.cancel(Sale.search([('party', '=', person.id)]))
            Party.write([person], {'active': False})
            session_id, _, _ = Erase.create()
            erase = Erase(session_id)
            erase.ask.party = person
            erase.transition_erase()
        Transaction().cache.clear()
        ticket, = Ticket.search([('party', '=', person.id)])
        self.assertEqual((ticket.subject, ticket.description, ticket.email),
            ('****', None, None))
        message, = Message.search([('ticket', '=', ticket.id)])
        self.assertEqual(message.body, '****')
        survey, = Survey.search([('party', '=', person.id)])
        self.assertEqual((survey.comment, survey.csat), (None, 2))
        feedback, = Feedback.search([('party', '=', person.id)])
        self.assertEqual(feedback.text, '****')
        Lead = pool.get('crm.lead')
        lead, = Lead.search([('party', '=', person.id)])
        self.assertEqual((lead.name, lead.phone, lead.email),
            ('****', None, None))
        Recipient = pool.get('crm.campaign.recipient')
        recipient, = Recipient.search([('party', '=', person.id)])
        self.assertEqual((recipient.address, recipient.state),
            (None, 'sent'))
