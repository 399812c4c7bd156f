"""Contact persons of enterprise customers.

A person (an individual party) may be the contact of several enterprises;
each relationship has its own position, work phone and email and decision
role.  Access to a contact follows the access to its enterprise (model access
and record rules of party.party through `__access__`)."""
from phonenumbers import PhoneNumberFormat

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..security import hide_unreadable_fields
from ..text_input import TextInputMixin
from .normalize import (
    InvalidValue, format_phone, normalize_email, parse_phone, tel_url,
    validate_email)


class Contact(
        TextInputMixin, DeactivableMixin, sequence_ordered(), ModelSQL,
        ModelView):
    __name__ = 'crm.contact'
    __string__ = "Contact"

    enterprise = fields.Many2One(
        'party.party', "Enterprise", required=True, ondelete='CASCADE',
        domain=[('id', '!=', Eval('person', -1))],
        help="The customer the person works for.")
    person = fields.Many2One(
        'party.party', "Person", ondelete='CASCADE',
        domain=[('id', '!=', Eval('enterprise', -1))],
        states={
            'required': ~Eval('person_name'),
            },
        help="The individual party who is the contact.")
    person_name = fields.Function(
        fields.Char(
            "Person Name",
            states={
                'required': ~Eval('person'),
                },
            help="The name of the person.\n"
            "Without a person, a new one is created with this name."),
        'get_person_name', setter='set_person_name')
    position = fields.Char("Position", help="The job title.")
    department = fields.Char("Department")
    phone = fields.Char("Work Phone")
    phone_compact = fields.Char("Work Phone Compact", readonly=True)
    phone_url = fields.Function(
        fields.Char("Call", help="Dial the work phone.",
            states={'invisible': ~Eval('phone_url')}),
        'on_change_with_phone_url')
    email = fields.Char("Work Email")
    decision_role = fields.Selection([
            (None, ""),
            ('decision_maker', "Decision Maker"),
            ('influencer', "Influencer"),
            ('user', "User"),
            ('gatekeeper', "Gatekeeper"),
            ('other', "Other"),
            ], "Decision Role", sort=False,
        help="The role of the person in the enterprise's buying decisions.")
    birthday = fields.Date("Birthday")
    primary = fields.Boolean(
        "Primary",
        help="Check for the main contact of the enterprise "
        "(only one per enterprise).")
    notes = fields.Text("Notes")

    @classmethod
    def fields_get(cls, fields_names=None, level=0):
        "Hide the fields the user may not read (the birthday), as views do"
        return hide_unreadable_fields(cls, super().fields_get(
                fields_names=fields_names, level=level))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.enterprise, Index.Range())),
                Index(t, (t.person, Index.Range())),
                Index(t, (t.phone_compact, Index.Equality())),
                })
        cls._order = [
            ('enterprise', 'ASC'),
            ('primary', 'DESC'),
            ('sequence', 'ASC NULLS FIRST'),
            ('id', 'ASC'),
            ]
        cls.__access__.add('enterprise')

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        table = cls.__table_handler__(module_name)
        # The person is created from person_name before the insert
        table.not_null_action('person', 'add')

    @classmethod
    def default_primary(cls):
        return False

    def get_rec_name(self, name):
        return '%s @ %s' % (
            self.person.rec_name if self.person else '',
            self.enterprise.rec_name if self.enterprise else '')

    @classmethod
    def search_rec_name(cls, name, clause):
        if clause[1].startswith('!') or clause[1].startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('person.rec_name', *clause[1:]),
            ('enterprise.rec_name', *clause[1:]),
            ('phone', *clause[1:]),
            ('phone_compact', *clause[1:]),
            ('email', *clause[1:]),
            ]

    def get_person_name(self, name):
        return self.person.name if self.person else None

    @classmethod
    def set_person_name(cls, contacts, name, value):
        "Rename the persons"
        pool = Pool()
        Party = pool.get('party.party')
        persons = [
            c.person for c in contacts if c.person and c.person.name != value]
        if persons and value:
            Party.write(persons, {'name': value})

    @fields.depends('person', '_parent_person.name', 'person_name')
    def on_change_person(self):
        if self.person:
            self.person_name = self.person.name

    @fields.depends('enterprise', '_parent_enterprise.addresses')
    def _phone_regions(self):
        if self.enterprise:
            for address in self.enterprise.addresses:
                if address.country:
                    yield address.country.code

    @fields.depends('phone', methods=['_phone_regions'])
    def on_change_phone(self):
        # As compute_fields: no compact form for a number that is not valid
        number = parse_phone(self.phone, self._phone_regions())
        if number:
            self.phone = format_phone(number)
            self.phone_compact = format_phone(number, PhoneNumberFormat.E164)
        else:
            self.phone_compact = None

    @fields.depends('phone', 'phone_compact')
    def on_change_with_phone_url(self, name=None):
        return tel_url(self.phone_compact or self.phone)

    @fields.depends('email')
    def on_change_email(self):
        if self.email:
            self.email = normalize_email(self.email)

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Party = pool.get('party.party')
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and not values.get('person')
                and values.get('person_name')):
            # The person is no customer of the kind the context gives to
            # new parties: the enterprise customers' form gives enterprise
            with Transaction().set_context(crm_kind=None):
                person, = Party.create([{'name': values['person_name']}])
            values['person'] = person.id
        return values

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or 'phone' in field_names:
            number = None
            if self.phone:
                number = parse_phone(self.phone, self._phone_regions())
            if number:
                phone = format_phone(number)
                if phone != self.phone:
                    values['phone'] = phone
                compact = format_phone(number, PhoneNumberFormat.E164)
            else:
                compact = None
            if compact != self.phone_compact:
                values['phone_compact'] = compact
        if field_names is None or 'email' in field_names:
            if self.email:
                email = normalize_email(self.email)
                if email != self.email:
                    values['email'] = email
        return values

    @classmethod
    def on_modification(cls, mode, contacts, field_names=None):
        super().on_modification(mode, contacts, field_names=field_names)
        if mode in {'create', 'write'} and (
                field_names is None or {'primary', 'enterprise'} & field_names):
            primaries = [c for c in contacts if c.primary]
            others = []
            for sub_contacts in grouped_slice(primaries, 100):
                sub_contacts = list(sub_contacts)
                others.extend(cls.search([
                            ('enterprise', 'in',
                                [c.enterprise.id for c in sub_contacts]),
                            ('primary', '=', True),
                            ('id', 'not in', [c.id for c in primaries]),
                            ]))
            if others:
                cls.write(others, {'primary': False})

    @classmethod
    def validate_fields(cls, contacts, field_names):
        super().validate_fields(contacts, field_names)
        cls.check_phone(contacts, field_names)
        cls.check_email(contacts, field_names)
        cls.check_kinds(contacts, field_names)
        cls.check_unique(contacts, field_names)

    @classmethod
    def check_kinds(cls, contacts, field_names=None):
        "The enterprise is an enterprise customer, the person is not one"
        if field_names and not (field_names & {'enterprise', 'person'}):
            return
        for contact in contacts:
            if contact.enterprise.crm_kind != 'enterprise':
                raise ValidationError(gettext(
                        'crm_plus.msg_customer_contact_enterprise_kind',
                        enterprise=contact.enterprise.rec_name))
            if contact.person and contact.person.crm_kind == 'enterprise':
                raise ValidationError(gettext(
                        'crm_plus.msg_customer_contact_person_kind',
                        person=contact.person.rec_name))

    @classmethod
    def check_phone(cls, contacts, field_names=None):
        if field_names and 'phone' not in field_names:
            return
        for contact in contacts:
            if contact.phone and not parse_phone(
                    contact.phone, contact._phone_regions()):
                raise ValidationError(gettext(
                        'crm_plus.msg_customer_contact_phone_invalid',
                        phone=contact.phone,
                        contact=contact.rec_name))

    @classmethod
    def check_email(cls, contacts, field_names=None):
        if field_names and 'email' not in field_names:
            return
        for contact in contacts:
            if contact.email:
                try:
                    validate_email(contact.email)
                except InvalidValue as exception:
                    raise ValidationError(gettext(
                            'crm_plus.msg_customer_contact_email_invalid',
                            email=contact.email,
                            contact=contact.rec_name),
                        str(exception)) from exception

    @classmethod
    def check_unique(cls, contacts, field_names=None):
        "A person is an active contact of an enterprise only once"
        if field_names and not (
                field_names & {'enterprise', 'person', 'active'}):
            return
        for sub_contacts in grouped_slice(
                [c for c in contacts if c.active], 100):
            sub_contacts = list(sub_contacts)
            domain = ['OR']
            for contact in sub_contacts:
                domain.append([
                        ('enterprise', '=', contact.enterprise.id),
                        ('person', '=', contact.person.id),
                        ('id', '!=', contact.id),
                        ])
            duplicates = cls.search(domain, limit=1)
            if duplicates:
                duplicate, = duplicates
                raise ValidationError(gettext(
                        'crm_plus.msg_customer_contact_unique',
                        person=duplicate.person.rec_name,
                        enterprise=duplicate.enterprise.rec_name))


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    crm_contacts = fields.One2Many(
        'crm.contact', 'enterprise', "Contacts",
        help="The persons to contact at this enterprise.")
    crm_contact_of = fields.One2Many(
        'crm.contact', 'person', "Contact Of",
        help="The enterprises this person is a contact of.")


class PartyReplace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        return super().fields_to_replace() + [
            ('crm.contact', 'enterprise'),
            ('crm.contact', 'person'),
            ]


class PartyErase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def to_erase(self, party_id):
        pool = Pool()
        Contact = pool.get('crm.contact')
        Address = pool.get('party.address')
        return super().to_erase(party_id) + [
            (Contact, [('person', '=', party_id)], True,
                ['position', 'department', 'phone', 'phone_compact', 'email',
                    'birthday', 'notes'],
                [None] * 7),
            (Address, [('party', '=', party_id)], False,
                ['crm_city', 'crm_district'],
                [None, None]),
            ]
