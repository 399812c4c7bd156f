"""Chinese administrative regions (province, city, district).

The rows come from data/regions.csv (see data/make_regions.py for the source
and its licence) and are bulk inserted by SQL when the module is installed or
updated: only missing or changed rows are written.  Provinces are linked to
the `country.subdivision` of the same ISO 3166-2 code when it exists, and
again whenever such a subdivision is created later.
"""
import csv
import os

from sql import Null
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.cache import Cache
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..text_input import TextInputMixin
from .address import clear_full_addresses

REGIONS_CSV = os.path.join(os.path.dirname(__file__), 'data', 'regions.csv')
LEVELS = ['province', 'city', 'district']


def read_regions():
    """Return the rows of regions.csv as dicts with their level and the
    ISO 3166-2 code of their province."""
    rows, by_code = [], {}
    with open(REGIONS_CSV, encoding='utf-8') as file:
        for row in csv.DictReader(file):
            parent = by_code.get(row['parent'])
            if parent:
                row['level'] = LEVELS[LEVELS.index(parent['level']) + 1]
                row['iso'] = parent['iso']
            else:
                row['level'] = 'province'
            by_code[row['code']] = row
            rows.append(row)
    return rows


class Region(TextInputMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'crm.region'
    __string__ = "Administrative Region"
    _rec_name = 'name'

    code = fields.Char(
        "Code", required=True,
        help="The GB/T 2260 administrative division code.")
    name = fields.Char("Name", required=True)
    level = fields.Selection([
            ('province', "Province"),
            ('city', "City"),
            ('district', "District"),
            ], "Level", required=True)
    parent = fields.Many2One(
        'crm.region', "Parent", ondelete='RESTRICT')
    children = fields.One2Many('crm.region', 'parent', "Children")
    subdivision_code = fields.Char(
        "Subdivision Code",
        help="The ISO 3166-2 code of the province.")
    subdivision = fields.Many2One(
        'country.subdivision', "Subdivision", readonly=True,
        ondelete='SET NULL',
        help="The country subdivision of the province.")
    #: {subdivision id: province region id}, read for every address shown
    _provinces = Cache('crm.region.province', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'crm_plus.msg_customer_region_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.parent, Index.Range())),
                Index(t, (t.subdivision, Index.Range()),
                    (t.level, Index.Equality())),
                })
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        cls._load_regions()
        cls.link_subdivisions()

    @classmethod
    def _load_regions(cls):
        "Insert the missing rows of regions.csv and update the changed ones"
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        rows = read_regions()

        cursor.execute(*table.select(
                table.id, table.code, table.name, table.parent,
                table.subdivision_code, table.active))
        existing = {r[1]: r for r in cursor}
        ids = {code: r[0] for code, r in existing.items()}

        columns = [
            table.create_uid, table.create_date, table.code, table.name,
            table.level, table.parent, table.subdivision_code, table.active]
        size = max(backend.MAX_QUERY_PARAMS // len(columns), 1)
        for level in LEVELS:
            values = [
                [0, CurrentTimestamp(), r['code'], r['name'], level,
                    ids.get(r['parent']), r['iso'] or None, True]
                for r in rows
                if r['level'] == level and r['code'] not in existing]
            for sub_values in grouped_slice(values, size):
                cursor.execute(*table.insert(columns, list(sub_values)))
            if values:
                cursor.execute(*table.select(
                        table.id, table.code, where=table.level == level))
                ids.update({code: id_ for id_, code in cursor})

        for row in rows:
            if row['code'] not in existing:
                continue
            id_, _, name, parent, iso, active = existing[row['code']]
            new = (row['name'], ids.get(row['parent']), row['iso'] or None)
            if (name, parent, iso) != new or not active:
                cursor.execute(*table.update(
                        [table.name, table.parent, table.subdivision_code,
                            table.active, table.write_uid, table.write_date],
                        [*new, True, 0, CurrentTimestamp()],
                        where=table.id == id_))
        # Regions dropped from the data set may still be used by addresses
        removed = set(existing) - {r['code'] for r in rows}
        for sub_codes in grouped_slice(list(removed), size):
            cursor.execute(*table.update(
                    [table.active], [False],
                    where=table.code.in_(list(sub_codes))))

    @classmethod
    def province(cls, subdivision):
        "The province region of the country subdivision, or None"
        key = subdivision.id
        province_id = cls._provinces.get(key, -1)
        if province_id == -1:
            province_id = next((r.id for r in cls.search([
                            ('level', '=', 'province'),
                            ('subdivision', '=', subdivision.id),
                            ], limit=1)), None)
            cls._provinces.set(key, province_id)
        return cls(province_id) if province_id is not None else None

    @classmethod
    def on_modification(cls, mode, regions, field_names=None):
        super().on_modification(mode, regions, field_names=field_names)
        cls._provinces.clear()
        clear_full_addresses()

    @classmethod
    def link_subdivisions(cls, codes=None):
        """Link the regions to the country subdivision of their province
        ISO 3166-2 code, for all codes or only those given."""
        pool = Pool()
        Subdivision = pool.get('country.subdivision')
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        subdivision = Subdivision.__table__()

        where = table.subdivision_code != Null
        if codes is not None:
            where &= table.subdivision_code.in_(list(codes))
        cursor.execute(*table.update(
                [table.subdivision],
                [subdivision.select(
                        subdivision.id,
                        where=subdivision.code == table.subdivision_code,
                        order_by=[subdivision.active.desc, subdivision.id],
                        limit=1)],
                where=where))
        cls._provinces.clear()

    @classmethod
    def search_rec_name(cls, name, clause):
        if clause[1].startswith('!') or clause[1].startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', *clause[1:]),
            ('code', *clause[1:]),
            ]


class Subdivision(metaclass=PoolMeta):
    __name__ = 'country.subdivision'

    @classmethod
    def search_rec_name(cls, name, clause):
        "Find a province also by its Chinese region name (广东 → 广东省)"
        domain = super().search_rec_name(name, clause)
        if domain[0] != 'OR':
            return domain
        Region = Pool().get('crm.region')
        regions = Region.search([
                ('level', '=', 'province'),
                ('subdivision', '!=', None),
                ('name', *clause[1:]),
                ])
        if not regions:
            return domain
        return [*domain, ('id', 'in', [r.subdivision.id for r in regions])]

    @classmethod
    def on_modification(cls, mode, subdivisions, field_names=None):
        super().on_modification(mode, subdivisions, field_names=field_names)
        clear_full_addresses()
        Region = Pool().get('crm.region')
        if mode == 'create':
            Region.link_subdivisions({s.code for s in subdivisions})
        elif mode == 'write' and 'code' in field_names:
            Region.link_subdivisions()
