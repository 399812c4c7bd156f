"""Rows of a resource read with python-sql, in the shape Model.read answers.

The read path of a resource (Customers.read_rows) selects the columns of
the records and of their related tables in one query per table for all the
records, where Model.read goes through the ORM field by field.  The records
are always ones the user may read (searched with the record rules, or
filtered by the rule-applied query of ``Model.search(query=True)``) and the
fields ones the field access lets them read, as in the generic path; the
values are those Model.read gives: the same translations, the same order of
x2many values, the same first contact mechanism or address.
"""
from itertools import groupby

from sql import Cast, Column, Literal, Union

from trytond import backend
from trytond.cache import Cache
from trytond.model import ModelStorage
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access


def select_columns(Model, ids, names, where=None):
    """{id: {name: value}} of the stored fields names of the records ids
    (and where, a condition on the table), typed as Model.read types them"""
    table = Model.__table__()
    tables = {None: (table, None)}
    names = ['id'] + [n for n in names if n != 'id']
    columns = []
    for name in names:
        field = Model._fields[name]
        column = field.sql_column(tables, Model).as_(name)
        if backend.name == 'sqlite':
            column.output_name += ' [%s]' % field.sql_type().base
        columns.append(column)
    cursor = Transaction().connection.cursor()
    result = {}
    for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
        condition = reduce_ids(table.id, list(sub_ids))
        if where is not None:
            condition &= where(table)
        cursor.execute(*table.select(*columns, where=condition))
        for row in cursor:
            result[row[0]] = dict(zip(names, row))
    return result


def select_children(Model, parent, ids, names, where=None):
    """[(parent id, {name: value})] of the active records of Model whose
    parent field is in ids"""
    table = Model.__table__()
    columns = [table.id.as_('id'), getattr(table, parent).as_(parent)] + [
        getattr(table, n).as_(n) for n in names]
    keys = ['id', parent] + list(names)
    cursor = Transaction().connection.cursor()
    result = []
    for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
        condition = reduce_ids(getattr(table, parent), list(sub_ids))
        if 'active' in Model._fields:
            condition &= table.active == True  # noqa: E712
        if where is not None:
            condition &= where(table)
        cursor.execute(*table.select(*columns, where=condition))
        result.extend((r[1], dict(zip(keys, r))) for r in cursor)
    return result


def company_addresses(company_id):
    "[{id, sequence, country}] of the active addresses of the company's party"
    pool = Pool()
    address = pool.get('party.address').__table__()
    company = pool.get('company.company').__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*address.join(company,
            condition=address.party == company.party).select(
            address.id, address.sequence, address.country,
            where=(company.id == company_id)
            & (address.active == True)))  # noqa: E712
    return [dict(zip(['id', 'sequence', 'country'], r)) for r in cursor]


def sequence_key(row):
    "The order of sequence_ordered models: sequence ASC NULLS FIRST, id"
    return (row['sequence'] is not None, row['sequence'] or 0, row['id'])


def by_parent(children, key=sequence_key):
    "{parent id: [row]} of select_children ordered by key"
    result = {}
    ordered = sorted(children, key=lambda c: (c[0], key(c[1])))
    for parent, group in groupby(ordered, key=lambda c: c[0]):
        result[parent] = [row for _, row in group]
    return result


def _default_rec_name(Model):
    "Whether the rec_name of Model is its stored, non-function _rec_name"
    field = Model._fields.get(Model._rec_name)
    return (Model.get_rec_name is ModelStorage.get_rec_name
        and field is not None and field._type == 'char'
        and not hasattr(field, 'get'))


def _own_method(Model, name, module_class):
    "Whether the method name of Model is the one of module_class"
    return getattr(Model, name) is getattr(module_class, name)


def rec_names_many(wanted):
    """{model: {id: rec_name}} of the records of wanted, {model: ids}, as
    Model.read(ids, ['rec_name']) answers them, without access checks: the
    stored names of all the models in one query (a union), the others
    through the ORM"""
    pool = Pool()
    result, parts, stored = {}, [], []
    for model, ids in wanted.items():
        result[model] = {}
        ids = sorted({i for i in ids if i is not None})
        if ids:
            query = _name_query(pool.get(model), ids, len(parts))
            if query is None:
                with without_check_access():
                    result[model] = {r['id']: r['rec_name']
                        for r in pool.get(model).read(ids, ['rec_name'])}
            else:
                parts.append(query)
                stored.append(model)
    if not parts:
        return result
    cursor = Transaction().connection.cursor()
    cursor.execute(*Union(*parts, all_=True) if len(parts) > 1 else parts[0])
    dates = {}
    for index, id_, name, code, write_date in cursor:
        model = stored[index]
        # an employee: the rec_name of its party
        result[model][id_] = name or ('[' + code + ']' if code else name)
        if write_date and (model not in dates or write_date > dates[model]):
            dates[model] = write_date
    Translation = pool.get('ir.translation')
    for model in stored:
        Model = pool.get(model)
        name = Model._rec_name
        if (model != 'company.employee'
                and getattr(Model._fields[name], 'translate', False)):
            names = result[model]
            translations = Translation.get_ids(
                f'{model},{name}', 'model', Transaction().language,
                list(names), cached_after=dates.get(model))
            for id_ in names:
                names[id_] = translations.get(id_) or names[id_]
    return result


def _name_query(Model, ids, index):
    """The query of (index, id, name, code, write date) of the records ids
    whose rec_name is a stored name, or None"""
    if len(ids) > backend.MAX_QUERY_PARAMS // 2:
        return None
    table = Model.__table__()
    if _default_rec_name(Model):
        name = Column(table, Model._rec_name)
        return table.select(Literal(index), table.id, name,
            Cast(Literal(None), 'VARCHAR'),
            table.write_date, where=reduce_ids(table.id, ids))
    if Model.__name__ == 'company.employee':
        from trytond.modules.company.company import Employee
        from trytond.modules.party.party import Party as BaseParty
        Party = Pool().get('party.party')
        if (_own_method(Model, 'get_rec_name', Employee)
                and _own_method(Party, 'get_rec_name', BaseParty)):
            party = Party.__table__()
            return table.join(party, condition=party.id == table.party
                ).select(Literal(index), table.id, party.name, party.code,
                    Cast(Literal(None), 'TIMESTAMP'),
                    where=reduce_ids(table.id, ids))
    return None


# The rec_names of the tags by (id, language): a tag's reads its parents'
# names and their translations, so any change of a tag or a translation
# clears it
_tag_names = Cache('crm_plus.api.tag_names', context=False)


def clear_tag_names():
    _tag_names.clear()


def tag_names(ids):
    "{id: rec_name} of the tags ids (party.category), without access checks"
    language = Transaction().language
    result, missing = {}, []
    for id_ in ids:
        name = _tag_names.get((id_, language))
        if name is None:
            missing.append(id_)
        else:
            result[id_] = name
    if missing:
        Category = Pool().get('party.category')
        with without_check_access():
            for category in Category.read(missing, ['rec_name']):
                result[category['id']] = category['rec_name']
                _tag_names.set((category['id'], language),
                    category['rec_name'])
    return result


class Category(metaclass=PoolMeta):
    __name__ = 'party.category'

    @classmethod
    def on_modification(cls, mode, categories, field_names=None):
        super().on_modification(mode, categories, field_names=field_names)
        clear_tag_names()
