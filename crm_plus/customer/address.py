"""Chinese addresses down to the district.

The province is the stock subdivision, city and district are `crm.region`
records.  Selecting or typing any of them fills the others; the address
reads in Chinese from the province to the building, with the postal code
apart, without the country for a domestic address and without repeating a
municipality (北京, 上海, 天津, 重庆) that is its own city.
"""
from trytond.cache import Cache
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from ..text_input import TextInputMixin

# The party fields of a European postal address, hidden for China
POSTAL_FIELDS = ['post_box', 'private_bag', 'post_office']
# Suffixes of region names, dropped to compare with what the user typed
REGION_SUFFIXES = (
    '特别行政区', '自治区', '自治州', '自治县', '地区', '新区',
    '市', '省', '区', '县', '盟')


def short_region_name(name):
    "Return name without its administrative suffix (上海市 → 上海)"
    for suffix in REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[:-len(suffix)]
    return name


def is_chinese_language():
    return (Transaction().language or '').startswith('zh')


# The formatted addresses by (address, its last change, the language, the
# company, the country they are seen from): what else the text reads (the
# names of the countries, subdivisions and regions, the address formats,
# the translations) clears it when it changes, as trytond's own cache of
# the address formats is cleared.  Its size: trytond.conf [cache]
# party.address.crm_full_address (default: [cache] default)
_full_addresses = Cache('party.address.crm_full_address', context=False)
# the context keys the formatting reads that make it uncachable: the
# party's name or another party in the text, untrusted translations
UNCACHED_CONTEXT = {'address_with_party', 'address_attention_party',
    'fuzzy_translation'}


def clear_full_addresses():
    "Clear the cached formatted addresses (see Address.crm_full_addresses)"
    _full_addresses.clear()


class ClearFullAddressesMixin:
    "A model whose records the formatted addresses read"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        clear_full_addresses()


class Address(TextInputMixin, metaclass=PoolMeta):
    __name__ = 'party.address'
    crm_city = fields.Many2One(
        'crm.region', "City", ondelete='RESTRICT',
        domain=[
            ('level', '=', 'city'),
            If(Bool(Eval('subdivision')),
                ('subdivision', '=', Eval('subdivision', -1)),
                ()),
            ],
        help="The prefecture-level city of the province.")
    crm_district = fields.Many2One(
        'crm.region', "District", ondelete='RESTRICT',
        domain=[
            ('level', '=', 'district'),
            If(Bool(Eval('crm_city')),
                ('parent', '=', Eval('crm_city', -1)),
                If(Bool(Eval('subdivision')),
                    ('subdivision', '=', Eval('subdivision', -1)),
                    ())),
            ],
        help="The county-level district of the city.")
    crm_country_code = fields.Function(
        fields.Char("Country Code"), 'on_change_with_crm_country_code')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.city.states = {
            **(cls.city.states or {}),
            'invisible': Bool(Eval('crm_city')),
            }
        # The province can be searched before the country is chosen
        cls.subdivision.domain = [
            If(Bool(Eval('country')),
                ('country', '=', Eval('country', -1)),
                ()),
            If(Eval('subdivision_types', []),
                ('type', 'in', Eval('subdivision_types', [])),
                ()),
            ]
        for name in POSTAL_FIELDS:
            field = getattr(cls, name)
            field.states = {
                **(field.states or {}),
                'invisible': (
                    field.states.get('invisible', False)
                    | ((Eval('crm_country_code') == 'CN') & ~Eval(name))),
                }

    @classmethod
    def default_country(cls):
        "The country of the company's address"
        pool = Pool()
        Company = pool.get('company.company')
        company_id = Transaction().context.get('company')
        if company_id is not None and company_id >= 0:
            address = Company(company_id).party.address_get()
            if address and address.country:
                return address.country.id

    @fields.depends('country')
    def on_change_with_crm_country_code(self, name=None):
        return self.country.code if self.country else None

    @fields.depends(
        'subdivision', 'country', 'crm_city', 'crm_district', 'city')
    def on_change_subdivision(self):
        pool = Pool()
        Region = pool.get('crm.region')
        if self.subdivision and self.country != self.subdivision.country:
            self.country = self.subdivision.country
        if (self.crm_city and self.subdivision
                and self.crm_city.subdivision != self.subdivision):
            self.crm_city = self.crm_district = None
        if self.subdivision and not self.crm_city:
            # A municipality has a single city: fill it
            cities = Region.search([
                    ('level', '=', 'city'),
                    ('subdivision', '=', self.subdivision.id),
                    ], limit=2)
            if len(cities) == 1:
                self.crm_city, = cities
                self.city = self.crm_city.name

    @fields.depends(
        'city', 'subdivision', 'crm_city', 'crm_district',
        methods=['on_change_crm_city', 'on_change_crm_district'])
    def on_change_city(self):
        "Find the typed city or district among the regions"
        if not self.city or self.crm_city:
            return
        city, district = self._crm_match_regions(self.city)
        if district:
            self.crm_district = district
            self.crm_city = None
            self.on_change_crm_district()
        elif city:
            self.crm_city = city
            self.on_change_crm_city()

    @fields.depends('subdivision')
    def _crm_match_regions(self, text):
        """Return the city and the district whose name is text, with or
        without its suffix, in the province when one is chosen"""
        pool = Pool()
        Region = pool.get('crm.region')
        text = text.strip()
        domain = [
            ('level', 'in', ['city', 'district']),
            ['OR',
                ('name', '=', text),
                ('name', 'in', [text + s for s in REGION_SUFFIXES]),
                ],
            ]
        if self.subdivision:
            domain.append(('subdivision', '=', self.subdivision.id))
        found = {}
        for region in Region.search(domain):
            found.setdefault(region.level, []).append(region)
        cities, districts = found.get('city', []), found.get('district', [])
        # 上海 is the municipality and its city, not a district
        city = cities[0] if len(cities) == 1 else None
        district = districts[0] if len(districts) == 1 and not city else None
        return city, district

    @fields.depends(
        'crm_city', 'crm_district', 'city', 'subdivision', 'country')
    def on_change_crm_city(self):
        if self.crm_district and self.crm_district.parent != self.crm_city:
            self.crm_district = None
        if self.crm_city:
            self.city = self.crm_city.name
            subdivision = self.crm_city.subdivision
            if subdivision and self.subdivision != subdivision:
                self.subdivision = subdivision
            if subdivision and self.country != subdivision.country:
                self.country = subdivision.country

    @fields.depends(
        'crm_district', 'crm_city', methods=['on_change_crm_city'])
    def on_change_crm_district(self):
        if self.crm_district and self.crm_city != self.crm_district.parent:
            self.crm_city = self.crm_district.parent
            self.on_change_crm_city()

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or 'crm_city' in field_names:
            if self.crm_city and self.city != self.crm_city.name:
                values['city'] = self.crm_city.name
        return values

    @fields.depends('building_name')
    def _get_street_substitutions(self):
        pool = Pool()
        AddressFormat = pool.get('party.address.format')
        substitutions = super()._get_street_substitutions()
        # A number typed with its unit keeps it once: 88号 stays 88号
        for number in [
                'building_number', 'unit_number', 'floor_number',
                'room_number']:
            value = getattr(self, number, None) or ''
            format_ = AddressFormat.get_number_format(number, self) or ''
            suffix = format_.split('{}', 1)[-1] if '{}' in format_ else ''
            if value and suffix and value.endswith(suffix):
                substitutions[number] = value
                substitutions[number.upper()] = value.upper()
        return substitutions

    @classmethod
    def crm_full_addresses(cls, stamps):
        """{id: full_address} of the addresses of stamps, {id: their last
        change (write or create date)}, as read(['full_address']) answers
        in the context, from a cache keyed by the last change: the ids must
        be ones the user may read.  Only a read-only transaction uses the
        cache: it reads committed addresses, each change of which has its
        own write date, where all the writes of one transaction share its
        timestamp"""
        context = Transaction().context
        cached = Transaction().readonly and not (
            UNCACHED_CONTEXT & {k for k in context if context[k]})
        from_country = context.get('address_from_country', -1)
        base = (Transaction().language, context.get('company'),
            getattr(from_country, 'id', from_country))
        result, missing = {}, []
        for id_, stamp in stamps.items():
            value = (_full_addresses.get((id_, stamp, *base))
                if cached else None)
            if value is None:
                missing.append(id_)
            else:
                result[id_] = value
        if missing:
            for address in cls.read(missing, ['full_address']):
                id_, value = address['id'], address['full_address']
                result[id_] = value
                if cached and value is not None:
                    _full_addresses.set((id_, stamps[id_], *base), value)
        return result

    def _crm_regions(self):
        """Return the Chinese names of the province and of the city with
        its district: the city of a municipality is left out"""
        pool = Pool()
        Region = pool.get('crm.region')
        subdivision = getattr(self, 'subdivision', None)
        district = getattr(self, 'crm_district', None)
        city = getattr(self, 'crm_city', None) or (
            district.parent if district else None)
        province = city.parent if city else None
        if not province and subdivision:
            province = Region.province(subdivision)
        province_name = (
            province.name if province
            else subdivision.name if subdivision else '')
        city_name = city.name if city else (getattr(self, 'city', None) or '')
        if city_name and province_name and (
                short_region_name(city_name)
                == short_region_name(province_name)):
            city_name = ''
        # 东莞 and 中山 have no district: their only one has the city's name
        if district and not (city and district.name == city.name):
            city_name += district.name
        return province_name, city_name

    def _crm_is_domestic(self):
        "Tell if the address is in the country of the company"
        pool = Pool()
        Company = pool.get('company.company')
        context = Transaction().context
        country = getattr(self, 'country', None)
        if not country:
            return False
        if 'address_from_country' in context:
            return context['address_from_country'] == country
        company_id = context.get('company')
        if company_id is not None and company_id >= 0:
            address = Company(company_id).party.address_get()
            return bool(address and address.country == country)
        return False

    def _crm_is_chinese(self):
        country = getattr(self, 'country', None)
        if country:
            return country.code == 'CN'
        return bool(
            getattr(self, 'crm_city', None)
            or getattr(self, 'crm_district', None))

    def _get_address_substitutions(self):
        substitutions = super()._get_address_substitutions()
        if self._crm_is_chinese():
            province, city = self._crm_regions()
            if is_chinese_language() or not substitutions['subdivision']:
                substitutions['subdivision'] = province
            substitutions['city'] = city
        country = getattr(self, 'country', None)
        if self._crm_is_domestic():
            substitutions['country'] = ''
        elif country and is_chinese_language():
            substitutions['country'] = country.name
        for key in ['city', 'subdivision', 'country']:
            substitutions[key.upper()] = substitutions[key].upper()
        return substitutions

    def get_rec_name(self, name):
        if not self._crm_is_chinese():
            rec_name = super().get_rec_name(name)
            if self._crm_is_domestic() and self.country.code:
                suffix = ', ' + self.country.code
                if rec_name.endswith(suffix):
                    rec_name = rec_name[:-len(suffix)]
            return rec_name
        # 上海市闵行区春东路100号, as it is written in China
        country = ''
        if self.country and not self._crm_is_domestic():
            country = self.country.name
        line = ''.join([
                country, *self._crm_regions(), self.street_single_line or ''])
        return ', '.join(filter(None, [
                    self.party_full_name, line, self.postal_code]))

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        if domain[0] != 'OR':
            return domain
        return [*domain,
            ('subdivision.name', *clause[1:]),
            ('crm_city.name', *clause[1:]),
            ('crm_district.name', *clause[1:]),
            ]


class AddressFormat(ClearFullAddressesMixin, metaclass=PoolMeta):
    __name__ = 'party.address.format'


class Country(ClearFullAddressesMixin, metaclass=PoolMeta):
    __name__ = 'country.country'
