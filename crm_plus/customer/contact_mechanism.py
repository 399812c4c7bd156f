"""Phone numbers parsed with a default region and one primary phone and
email per party."""
import phonenumbers
import pycountry

from trytond import backend
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.modules.party.exceptions import InvalidEMail
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .normalize import InvalidValue, parse_phone, tel_url, validate_email

from ..text_input import TextInputMixin

PHONE_TYPES = {'phone', 'mobile'}
# Ids per search with an 'in' clause
MAX_IN = backend.MAX_QUERY_PARAMS


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    contact_phone_region = fields.Selection(
        'get_phone_regions', "Default Phone Region",
        help="The region of phone numbers entered without international "
        "prefix when the party has no address country.")

    # Read for each phone number parsed: by the importer for each row
    _phone_region_cache = Cache(
        'crm.configuration.phone_region', context=False)

    @classmethod
    def default_contact_phone_region(cls):
        return 'CN'

    @classmethod
    def get_phone_region(cls):
        "Return the default region of phone numbers, None for none"
        region = cls._phone_region_cache.get(None)
        if region is None:
            with without_check_access():
                region = cls(1).contact_phone_region or ''
            cls._phone_region_cache.set(None, region)
        return region or None

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._phone_region_cache.clear()

    @classmethod
    def get_phone_regions(cls):
        regions = [(None, '')]
        for code in sorted(phonenumbers.SUPPORTED_REGIONS):
            country = pycountry.countries.get(alpha_2=code)
            regions.append((code, country.name if country else code))
        return regions


class ContactMechanism(TextInputMixin, metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'
    crm_primary = fields.Boolean(
        "Primary",
        states={
            'invisible': ~Eval('type').in_(['phone', 'mobile', 'email']),
            },
        help="Check to use it as the party's main phone or email.")

    @classmethod
    def view_attributes(cls):
        # The form's call button (a tel: link) beside the number, not beside
        # the value of other types (their widgets link them)
        return super().view_attributes() + [
            ('//group[@id="crm_call"]', 'states', {
                    'invisible': ~Eval('type').in_(list(PHONE_TYPES)),
                    }),
            ]

    @classmethod
    def default_crm_primary(cls):
        return False

    @classmethod
    def check_valid_email(cls, mechanisms, field_names=None):
        if field_names and not (field_names & {'type', 'value'}):
            return
        for mechanism in mechanisms:
            if mechanism.type == 'email' and mechanism.value:
                try:
                    validate_email(mechanism.value)
                except InvalidValue as e:
                    raise InvalidEMail(gettext(
                            'party.msg_email_invalid',
                            email=mechanism.value,
                            party=mechanism.party.rec_name),
                        str(e)) from e

    @fields.depends(methods=['_phone_country_codes'])
    def _parse_phonenumber(self, value):
        return parse_phone(value, self._phone_country_codes())

    @fields.depends('type', 'value', 'value_compact')
    def on_change_with_url(self, name=None, value=None):
        # The party module links phones with tel:<value> where value is
        # formatted with spaces, which RFC 3966 does not allow
        if self.type in PHONE_TYPES:
            return tel_url(self.value_compact
                or (self.value if value is None else value))
        return super().on_change_with_url(name=name, value=value)

    @property
    def crm_primary_group(self):
        "The group of types among which only one mechanism is primary"
        return 'phone' if self.type in PHONE_TYPES else self.type

    @classmethod
    def on_modification(cls, mode, mechanisms, field_names=None):
        super().on_modification(mode, mechanisms, field_names=field_names)
        if mode in {'create', 'write'} and (
                field_names is None or {'crm_primary', 'type'} & field_names):
            primaries = [m for m in mechanisms if m.crm_primary]
            keys = {(m.party.id, m.crm_primary_group) for m in primaries}
            ids = {m.id for m in primaries}
            others = []
            for party_ids in grouped_slice(
                    list({p for p, _ in keys}), MAX_IN):
                others.extend(
                    o for o in cls.search([
                            ('party', 'in', list(party_ids)),
                            ('crm_primary', '=', True),
                            ])
                    if o.id not in ids
                    and (o.party.id, o.crm_primary_group) in keys)
            if others:
                cls.write(others, {'crm_primary': False})


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    crm_primary_phone = fields.Function(
        fields.Char("Primary Phone",
            help="The primary phone or mobile, else the first one."),
        'get_crm_primary_contacts')
    crm_primary_phone_url = fields.Function(
        fields.Char("Call", help="Dial the primary phone.",
            states={'invisible': ~Eval('crm_primary_phone_url')}),
        'get_crm_primary_contacts')
    crm_primary_email = fields.Function(
        fields.Char("Primary Email",
            help="The primary email, else the first one."),
        'get_crm_primary_contacts')

    @classmethod
    def get_crm_primary_contacts(cls, parties, names):
        pool = Pool()
        ContactMechanism = pool.get('party.contact_mechanism')
        types = {
            'crm_primary_phone': PHONE_TYPES,
            'crm_primary_phone_url': PHONE_TYPES,
            'crm_primary_email': {'email'},
            }
        result = {name: {p.id: None for p in parties} for name in names}
        wanted = set().union(*(types[n] for n in names))
        with Transaction().set_context(active_test=True):
            for sub_parties in grouped_slice(parties, MAX_IN):
                mechanisms = ContactMechanism.search([
                        ('party', 'in', [p.id for p in sub_parties]),
                        ('type', 'in', list(wanted)),
                        ], order=[
                        ('crm_primary', 'DESC'),
                        ('sequence', 'ASC NULLS FIRST'),
                        ('id', 'ASC'),
                        ])
                for mechanism in mechanisms:
                    for name in names:
                        values = result[name]
                        if (mechanism.type in types[name]
                                and values[mechanism.party.id] is None):
                            values[mechanism.party.id] = (
                                mechanism.url if name.endswith('_url')
                                else mechanism.value)
        return result
