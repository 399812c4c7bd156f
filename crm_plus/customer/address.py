"""Addresses down to the Chinese district: the province is the stock
subdivision, city and district are `crm.region` records."""
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Bool, Eval, If

from ..text_input import TextInputMixin


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

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.city.states = {
            **(cls.city.states or {}),
            'invisible': Bool(Eval('crm_city')),
            }

    @fields.depends('subdivision', 'crm_city', 'crm_district')
    def on_change_subdivision(self):
        if (self.crm_city and self.subdivision
                and self.crm_city.subdivision != self.subdivision):
            self.crm_city = self.crm_district = None

    @fields.depends(
        'crm_city', 'crm_district', 'city', 'subdivision', 'country')
    def on_change_crm_city(self):
        if self.crm_district and self.crm_district.parent != self.crm_city:
            self.crm_district = None
        if self.crm_city:
            self.city = self.crm_city.name
            subdivision = self.crm_city.subdivision
            if subdivision and not self.subdivision:
                self.subdivision = subdivision
                self.country = subdivision.country

    @fields.depends(
        'crm_district', 'crm_city', methods=['on_change_crm_city'])
    def on_change_crm_district(self):
        if self.crm_district and not self.crm_city:
            self.crm_city = self.crm_district.parent
            self.on_change_crm_city()

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or 'crm_city' in field_names:
            if self.crm_city and self.city != self.crm_city.name:
                values['city'] = self.crm_city.name
        return values

    def _get_address_substitutions(self):
        substitutions = super()._get_address_substitutions()
        city = getattr(self, 'crm_city', None)
        district = getattr(self, 'crm_district', None)
        if city or district:
            province = (city or district.parent).parent
            names = []
            # The city of a municipality has the name of the province
            if city and not (province and city.name == province.name):
                names.append(city.name)
            if district:
                names.append(district.name)
            substitutions['city'] = ''.join(names)
            if not substitutions['subdivision'] and province:
                substitutions['subdivision'] = province.name
            for key in ['city', 'subdivision']:
                substitutions[key.upper()] = substitutions[key].upper()
        return substitutions
