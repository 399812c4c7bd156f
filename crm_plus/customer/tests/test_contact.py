from trytond.model.exceptions import ValidationError
from trytond.modules.crm_plus.tests.tools import CrmPlusDatabase
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction


class ContactTestCase(CrmPlusDatabase, TestCase):
    "Test the contacts of enterprises"

    def create_contact(self, **values):
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        enterprise, person = Party.create([
                {'name': "Enterprise", 'crm_kind': 'enterprise'},
                {'name': "Person"}])
        contact, = Contact.create([{
                    'enterprise': enterprise.id,
                    'person': person.id,
                    **values,
                    }])
        return contact

    @with_transaction()
    def test_contact_visible_with_enterprise(self):
        "A contact is visible only when its enterprise is"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        RuleGroup = pool.get('ir.rule.group')
        User = pool.get('res.user')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')

        visible = self.create_contact()
        hidden_enterprise, = Party.create([
                {'name': "Hidden", 'crm_kind': 'enterprise'}])
        hidden, = Contact.create([{
                    'enterprise': hidden_enterprise.id,
                    'person': visible.person.id,
                    }])
        rep_group = Group(ModelData.get_id('crm_plus', 'group_sales_rep'))
        user, = User.create([{
                    'login': 'rep', 'name': "Rep",
                    'groups': [('add', [rep_group.id])]}])
        RuleGroup.create([{
                    'name': "Not hidden",
                    'model': 'party.party',
                    'global_p': True,
                    'rules': [('create', [{
                                    'domain': '[["name", "!=", "Hidden"]]',
                                    }])],
                    }])

        with Transaction().set_user(user.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual(Contact.search([]), [visible])
            contact, = Contact.create([{
                        'enterprise': visible.enterprise.id,
                        'person_name': "New Person",
                        }])
            self.assertEqual(contact.person.name, "New Person")
        self.assertIn(hidden, Contact.search([]))

    @with_transaction()
    def test_contact_kinds(self):
        "The enterprise is an enterprise customer, the person is not one"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        contact = self.create_contact()
        other, individual, supplier = Party.create([
                {'name': "Other", 'crm_kind': 'enterprise'},
                {'name': "Individual", 'crm_kind': 'individual'},
                {'name': "Supplier"}])
        # An individual customer may be the contact of an enterprise
        Contact.create([{
                    'enterprise': other.id, 'person': individual.id}])
        for enterprise in [individual, supplier]:
            with self.assertRaises(ValidationError) as context:
                Contact.create([{
                            'enterprise': enterprise.id,
                            'person': contact.person.id}])
            self.assertIn(enterprise.name, context.exception.message)
            self.assertIn("enterprise customers", context.exception.message)
        with self.assertRaises(ValidationError) as context:
            Contact.write([contact], {'person': other.id})
        self.assertIn("cannot be the person", context.exception.message)

    @with_transaction()
    def test_phone_region_from_configuration(self):
        "Numbers without prefix use the configured region"
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        contact = self.create_contact(phone='13912345678')
        self.assertEqual(contact.phone, '+86 139 1234 5678')
        self.assertEqual(contact.phone_compact, '+8613912345678')

        Configuration.write([Configuration(1)], {
                'contact_phone_region': 'FR'})
        with self.assertRaises(ValidationError):
            self.create_contact(phone='13912345678')
        contact = self.create_contact(phone='01 42 68 53 00')
        self.assertEqual(contact.phone, '+33 1 42 68 53 00')

    @with_transaction()
    def test_phone_tel_urls(self):
        "Phones link with tel: and their E.164 form, on save and on change"
        pool = Pool()
        Contact = pool.get('crm.contact')
        Mechanism = pool.get('party.contact_mechanism')
        Party = pool.get('party.party')

        contact = self.create_contact(phone='021 5877 6655')
        self.assertEqual(contact.phone_url, 'tel:+862158776655')
        self.assertIsNone(self.create_contact().phone_url)

        enterprise = contact.enterprise
        Mechanism.create([
                {'party': enterprise.id, 'type': 'email',
                    'value': 'info@example.com'},
                {'party': enterprise.id, 'type': 'mobile',
                    'value': '139 1234 5678'},
                ])
        mobile, = Mechanism.search([('type', '=', 'mobile')])
        self.assertEqual(mobile.url, 'tel:+8613912345678')
        email, = Mechanism.search([('type', '=', 'email')])
        self.assertEqual(email.url, 'mailto:info@example.com')
        enterprise = Party(enterprise.id)
        self.assertEqual(enterprise.crm_primary_phone, '+86 139 1234 5678')
        self.assertEqual(
            enterprise.crm_primary_phone_url, 'tel:+8613912345678')
        self.assertIsNone(contact.person.crm_primary_phone_url)

        # The form: typing a number, then one that is not valid
        form = Contact(enterprise=enterprise)
        form.phone = '13912345678'
        form.on_change_phone()
        self.assertEqual(form.on_change_with_phone_url(), 'tel:+8613912345678')
        form.phone = '12-34'
        form.on_change_phone()
        self.assertEqual(form.on_change_with_phone_url(), 'tel:1234')
        mechanism = Mechanism(party=enterprise, type='phone')
        mechanism.value = '(021) 5877-6655'
        mechanism.on_change_value()
        self.assertEqual(mechanism.url, 'tel:+862158776655')

    @with_transaction()
    def test_replace_party(self):
        "Replacing a party moves its contacts"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        Replace = pool.get('party.replace', type='wizard')
        contact = self.create_contact()
        duplicate, = Party.create([{'name': "Person"}])

        session_id, _, _ = Replace.create()
        replace = Replace(session_id)
        replace.ask.source = contact.person
        replace.ask.destination = duplicate
        replace.transition_replace()
        Transaction().cache.clear()

        contact = Contact(contact.id)
        self.assertEqual(contact.person, duplicate)

    @with_transaction()
    def test_erase_person(self):
        "Erasing a person erases the data of its contacts"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        Erase = pool.get('party.erase', type='wizard')
        contact = self.create_contact(
            phone='13912345678', email='person@example.com',
            position="Buyer", notes="Likes tea")
        Party.write([contact.person], {'active': False})

        session_id, _, _ = Erase.create()
        erase = Erase(session_id)
        erase.ask.party = contact.person
        erase.transition_erase()
        Transaction().cache.clear()

        with Transaction().set_context(active_test=False):
            contact = Contact(contact.id)
            self.assertEqual(
                (contact.phone, contact.email, contact.position,
                    contact.notes, contact.active),
                (None, None, None, None, False))
