"""Export everything about one person (PIPL / GDPR access right).

The export walks the models that link to the party, rather than a list of
them: every stored Many2One or Reference field to ``party.party`` (level 1)
and the records hanging off those by a cascading Many2One (level 2: sale
lines, ticket messages...), so a model added later is exported with no
change here. Only a CRM administrator runs it; it reads as the server.
"""
import datetime as dt
import decimal
import json

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateView, Wizard

#: technical fields left out of the records
SKIPPED = {'create_uid', 'write_uid'}


def _links(pool, targets):
    """{model name: [(field name, target)]} of the stored Many2One and
    Reference fields of the ModelSQL models of the pool to the models of
    targets (for Reference fields: those whose selection names one), with
    only cascading Many2One when cascade"""
    links = {}
    for name, Model in pool.iterobject():
        if (not issubclass(Model, ModelSQL)
                # reports and other SQL views: their sources are walked
                or callable(Model.table_query)
                or name.startswith('ir.') and name not in {
                    'ir.attachment', 'ir.note'}):
            continue
        for fname, field in Model._fields.items():
            if isinstance(field, fields.Function):
                continue
            if (isinstance(field, fields.Many2One)
                    and field.model_name in targets):
                links.setdefault(name, []).append((fname, field.model_name))
            elif isinstance(field, fields.Reference):
                links.setdefault(name, []).append((fname, None))
    return links


def _value(value):
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    return value


def _dump(Model, records):
    names = [n for n, f in Model._fields.items()
        if not isinstance(f, (fields.Function, fields.Binary, fields.One2Many,
                fields.Many2Many)) and n not in SKIPPED]
    rows = Model.read([r.id for r in records], names)
    return [{k: _value(v) for k, v in row.items()} for row in rows]


def personal_data(party):
    """The dict of everything about party: the party and, by model, the
    records linking to it and those hanging off them"""
    pool = Pool()
    Party = pool.get('party.party')
    result = {'party': _dump(Party, [party])[0], 'records': {}}
    found = {}  # model name: ids
    with without_check_access(), Transaction().set_context(
            active_test=False):
        reference = f'party.party,{party.id}'
        for name, links in _links(pool, {'party.party'}).items():
            Model = pool.get(name)
            domain = ['OR']
            for fname, target in links:
                if target:
                    domain.append((fname, '=', party.id))
                else:
                    domain.append((fname, '=', reference))
            if name == 'party.party':
                continue
            records = Model.search(domain, order=[('id', 'ASC')])
            if records:
                found[name] = records
        for name, links in _links(pool, set(found)).items():
            Model = pool.get(name)
            domain = ['OR']
            for fname, target in links:
                if target is None:
                    domain.extend((fname, '=', f'{m},{r.id}')
                        for m in found for r in found[m])
                elif Model._fields[fname].ondelete == 'CASCADE':
                    domain.append((fname, 'in', [r.id for r in found[target]]))
            if len(domain) == 1:
                continue
            records = [r for r in Model.search(domain, order=[('id', 'ASC')])
                if r not in found.get(name, [])]
            if records:
                found.setdefault(name, [])
                found[name] = list(found[name]) + records
        for name in sorted(found):
            result['records'][name] = _dump(pool.get(name), found[name])
    return result


class ExportStart(ModelView):
    __name__ = 'party.party.crm_personal_data.start'
    __string__ = "Export Personal Data"
    party = fields.Many2One('party.party', "Person", readonly=True)
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)
    models = fields.Integer("Kinds of Records", readonly=True)
    records = fields.Integer("Records", readonly=True)


class Export(Wizard):
    __name__ = 'party.party.crm_personal_data'
    __string__ = "Export Personal Data"
    start = StateView(
        'party.party.crm_personal_data.start',
        'crm_plus.personal_data_start_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        party = self.record
        data = personal_data(party)
        data['exported_at'] = dt.datetime.now().replace(
            microsecond=0).isoformat()
        data['exported_by'] = Transaction().user
        content = json.dumps(data, ensure_ascii=False, indent=1,
            sort_keys=True)
        return {
            'party': party.id,
            'file': content.encode('utf-8'),
            'filename': f'personal-data-{party.code or party.id}.json',
            'models': len(data['records']),
            'records': sum(len(r) for r in data['records'].values()),
            }
