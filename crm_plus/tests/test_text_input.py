import datetime as dt

from trytond.model import ModelStorage, fields
from trytond.model.exceptions import SizeValidationError
from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.modules.crm_plus.tests.tools import CrmPlusDatabase
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction

from ..text_input import (
    CHAR_SIZE, TEXT_SIZE, NulValidationError, TextInputMixin)

# Plain text however it looks: stored and read back as typed
VERBATIM = [
    "客户 🚀🎉 👩‍👩‍👧",
    "شركة الأمل للتجارة",
    "חברה בע\"מ \u202eRTL\u202c",
    "<script>alert('x')</script>",
    "'); DROP TABLE party_party; --",
    "Robert'); SELECT * FROM res_user WHERE '1'='1",
    "${name} %(name)s {0} \\N \\t",
    ]

# Models of crm_plus whose texts are written by the system, not typed
SYSTEM_TEXTS = {
    'crm.automation.log', 'crm.customer.timeline',
    'crm.opportunity.stage_history', 'crm.opportunity.stale_notice',
    'crm.pipeline.stage.report', 'crm.webhook.delivery',
    'crm.api.idempotency',
    # written by the server: the comment of a transition is typed on the
    # ticket, a survey's comment on its page, which limits and cleans it
    'crm.login.history', 'crm.audit', 'crm.ticket.transition',
    'crm.ticket.survey',
    'crm.ticket.notice',
    # written by the server: send records (the reply of an SMS as the
    # gateway's callback gives it), the campaign report, the trained
    # scoring models, the erasure log (its reference typed in the wizard)
    'crm.campaign.recipient', 'crm.campaign.report',
    'crm.lead.scoring.model', 'crm.erasure.log',
    # computed by the server: the RFM report's score, the trained churn
    # models, the sales summary's dimension names
    'crm.analytics.customer.rfm', 'crm.churn.model',
    'crm.analytics.sale.summary',
    }


class TextInputTestCase(CrmPlusDatabase, TestCase):
    "Test the limits of the texts users type"

    def records(self, company):
        """Return [(Model, record, text field, kind)] of the models users
        type in"""
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        Interaction = pool.get('crm.interaction')
        FollowUp = pool.get('crm.follow_up')
        Opportunity = pool.get('sale.opportunity')
        Address = pool.get('party.address')
        Mechanism = pool.get('party.contact_mechanism')
        enterprise, person = Party.create([
                {'name': "Enterprise", 'crm_kind': 'enterprise'},
                {'name': "Person"}])
        contact, = Contact.create([{
                    'enterprise': enterprise.id, 'person': person.id}])
        interaction, = Interaction.create([{
                    'company': company.id, 'party': enterprise.id,
                    'type': 'call', 'date': dt.datetime(2026, 1, 5, 10),
                    'subject': "Call"}])
        follow_up, = FollowUp.create([{
                    'company': company.id, 'party': enterprise.id,
                    'description': "Call back",
                    'due_date': dt.date(2026, 1, 6),
                    'user': Transaction().user}])
        opportunity, = Opportunity.create([{
                    'party': enterprise.id,
                    'employee': create_employee(company).id}])
        address, = Address.create([{'party': enterprise.id}])
        mechanism, = Mechanism.create([{
                    'party': enterprise.id, 'type': 'other',
                    'value': "x"}])
        return [
            (Party, enterprise, 'name', 'char'),
            (Contact, contact, 'position', 'char'),
            (Contact, contact, 'notes', 'text'),
            (Interaction, interaction, 'subject', 'char'),
            (Interaction, interaction, 'summary', 'text'),
            (FollowUp, follow_up, 'description', 'char'),
            (Opportunity, opportunity, 'description', 'char'),
            (Opportunity, opportunity, 'comment', 'text'),
            (Address, address, 'city', 'char'),
            (Address, address, 'street', 'text'),
            (Mechanism, mechanism, 'value', 'char'),
            ]

    @with_transaction()
    def test_nul_refused(self):
        "A NUL character is refused on create and write of every model"
        Party = Pool().get('party.party')
        company = create_company()
        with set_company(company):
            for Model, record, name, _ in self.records(company):
                with self.subTest(model=Model.__name__, field=name):
                    before = getattr(record, name)
                    with self.assertRaises(NulValidationError) as context:
                        Model.write([record], {name: "bad\x00text"})
                    self.assertIn('NUL', context.exception.message)
                    self.assertEqual(getattr(Model(record.id), name), before)
        with self.assertRaises(NulValidationError):
            Party.create([{'name': "Nul\x00Party"}])
        # The records created with their party check their own texts
        with self.assertRaises(NulValidationError):
            Party.create([{'name': "Party", 'contact_mechanisms': [
                            ('create', [{'type': 'other',
                                        'value': "a\x00b"}])]}])

    @with_transaction()
    def test_absurd_length_refused(self):
        "A name longer than a name, a text longer than a text is refused"
        Party = Pool().get('party.party')
        company = create_company()
        with set_company(company):
            for Model, record, name, kind in self.records(company):
                size = TEXT_SIZE if kind == 'text' else CHAR_SIZE
                with self.subTest(model=Model.__name__, field=name):
                    Model.write([record], {name: "x" * size})
                    self.assertEqual(
                        len(getattr(Model(record.id), name)), size)
                    with self.assertRaises(SizeValidationError) as context:
                        Model.write([record], {name: "x" * (size + 1)})
                    self.assertIn(str(size), context.exception.message)
        with self.assertRaises(SizeValidationError):
            Party.create([{'name': "客" * 100_000}])

    @with_transaction()
    def test_translated(self):
        "The errors are in the user's language"
        pool = Pool()
        Party = pool.get('party.party')
        Lang = pool.get('ir.lang')
        lang, = Lang.search([('code', '=', 'zh_CN')])
        Lang.load_translations([lang])
        with Transaction().set_context(language='zh_CN'):
            with self.assertRaises(NulValidationError) as context:
                Party.create([{'name': "a\x00b"}])
            self.assertIn('NUL 字符', context.exception.message)
            with self.assertRaises(SizeValidationError) as context:
                Party.create([{'name': "a" * 300}])
            self.assertIn('过长', context.exception.message)

    @with_transaction()
    def test_verbatim(self):
        "Emoji, right-to-left text, markup and SQL are stored as typed"
        company = create_company()
        with set_company(company):
            for Model, record, name, _ in self.records(company):
                for text in VERBATIM:
                    with self.subTest(model=Model.__name__, field=name,
                            text=text):
                        Model.write([record], {name: text})
                        self.assertEqual(
                            getattr(Model(record.id), name), text)
                        self.assertEqual(
                            Model.search([(name, '=', text)]), [record])

    @with_transaction()
    def test_every_typed_model(self):
        "Every crm_plus model with texts users type checks them"
        pool = Pool()
        Party = pool.get('party.party')
        missing = []
        for name, Model in pool.iterobject():
            if (not issubclass(Model, ModelStorage)
                    or name in SYSTEM_TEXTS
                    or not (name.startswith('crm.')
                        or name in {'party.party', 'party.address',
                            'party.contact_mechanism', 'party.identifier',
                            'sale.opportunity', 'sale.sale'})):
                continue
            texts = [n for n, f in Model._fields.items()
                if f._type in {'char', 'text'}
                and not isinstance(f, fields.Function)]
            if texts and not issubclass(Model, TextInputMixin):
                missing.append(name)
        self.assertEqual(missing, [])
        self.assertTrue(issubclass(Party, TextInputMixin))
