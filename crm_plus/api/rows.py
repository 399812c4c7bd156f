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

from trytond import backend
from trytond.model import ModelStorage
from trytond.pool import Pool
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


def rec_names(model, ids):
    """{id: rec_name} of the records ids of model as Model.read(ids,
    ['rec_name']) answers it, without access checks"""
    pool = Pool()
    Model = pool.get(model)
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    if _default_rec_name(Model):
        name = Model._rec_name
        rows = select_columns(Model, ids, [name, 'write_date'])
        result = {i: rows[i][name] for i in rows}
        if getattr(Model._fields[name], 'translate', False):
            Translation = pool.get('ir.translation')
            translations = Translation.get_ids(
                f'{model},{name}', 'model', Transaction().language,
                list(rows), cached_after=max(
                    (r['write_date'] for r in rows.values()
                        if r['write_date']), default=None))
            for id_ in result:
                result[id_] = translations.get(id_) or result[id_]
        return result
    if model == 'company.employee':
        from trytond.modules.company.company import Employee
        from trytond.modules.party.party import Party as BaseParty
        Party = pool.get('party.party')
        if (_own_method(Model, 'get_rec_name', Employee)
                and _own_method(Party, 'get_rec_name', BaseParty)):
            employees = select_columns(Model, ids, ['party'])
            parties = select_columns(Party, [
                    e['party'] for e in employees.values()], ['name', 'code'])
            result = {}
            for id_, employee in employees.items():
                party = parties[employee['party']]
                result[id_] = party['name'] or '[' + party['code'] + ']'
            return result
    with without_check_access():
        return {r['id']: r['rec_name'] for r in Model.read(ids, ['rec_name'])}
