"""Audit history: who changed which field of a customer, contact, deal,
sale or ticket, from what to what, and when.

The entries (crm.audit) are written in the transaction of the change, so a
refused save leaves none. They are read on the record, in its *Change
History* tab (a text of the record's entries, which whoever reads the record
reads), and all of them by CRM administrators; sensitive fields (those with
a field access) are recorded as changed without their values. They are
kept *Audit Days* of the CRM configuration.
"""
import datetime as dt
import decimal

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from ..framework import WRITE_SLICE

#: the audited models
MODELS = ['party.party', 'crm.contact', 'sale.opportunity', 'sale.sale',
    'crm.ticket']
#: the fields never audited (technical, or kept by their own history)
SKIPPED = {'create_uid', 'create_date', 'write_uid', 'write_date', 'id',
    'transition_comment', 'code_alnum', 'code_digit', 'number_alnum',
    'number_digit'}
#: the number of entries the Change History tab shows
TAB_LIMIT = 200


class Audit(ModelSQL, ModelView):
    __name__ = 'crm.audit'
    __string__ = "Change History"
    resource = fields.Reference(
        "Record", selection='get_resources', readonly=True, required=True)
    field = fields.Char("Field", readonly=True)
    field_label = fields.Char("Field Label", readonly=True)
    old_value = fields.Text("Old Value", readonly=True)
    new_value = fields.Text("New Value", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    date = fields.DateTime("Date", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.resource, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.date, Index.Range())),
                })

    @classmethod
    def get_resources(cls):
        get_name = Pool().get('ir.model').get_name
        return [(m, get_name(m)) for m in MODELS]

    @classmethod
    def purge(cls):
        "Delete the entries older than the kept days (cron)"
        Configuration = Pool().get('crm.configuration')
        days = Configuration(1).audit_days
        if days:
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.delete(where=table.date
                    < dt.datetime.now() - dt.timedelta(days=days)))



class AuditMixin:
    "Record the changes of the fields of the model in crm.audit"
    __slots__ = ()

    crm_change_history = fields.Function(
        fields.Text("Change History"), 'get_crm_change_history')

    @classmethod
    def _audited_fields(cls, names):
        """The audited fields among names and those of them recorded
        without their values (the sensitive ones)"""
        audited = [n for n in names
            if n not in SKIPPED and n in cls._fields
            and not isinstance(cls._fields[n], (fields.Function,
                    fields.One2Many, fields.Many2Many, fields.Binary))
            # the texts the server derives (codes, normalized names)
            and not (cls._fields[n]._type in {'char', 'text'}
                and cls._fields[n].readonly is True)]
        return audited, set(audited) & _restricted(cls.__name__)

    def _audit_value(self, name):
        field = self._fields[name]
        value = getattr(self, name)
        if value is None or value == '':
            return ''
        if isinstance(field, fields.Selection):
            selection = field.selection
            if isinstance(selection, str):
                selection = getattr(self, selection)()
            return str(dict(selection).get(value, value))
        if isinstance(field, fields.MultiSelection):
            return ', '.join(value)
        if isinstance(field, fields.Boolean):
            return gettext('crm_plus.msg_audit_yes' if value
                else 'crm_plus.msg_audit_no')
        if isinstance(value, (dt.date, dt.datetime, dt.time)):
            return value.isoformat(' ') if isinstance(
                value, dt.datetime) else value.isoformat()
        if isinstance(value, decimal.Decimal):
            return format(value, 'f')
        if hasattr(value, 'rec_name'):
            return value.rec_name
        return str(value)

    @classmethod
    def _audit_snapshot(cls, ids, names):
        with without_check_access(), Transaction().set_context(
                active_test=False, _check_access=False):
            records = cls.browse(ids)
            return {r.id: {n: r._audit_value(n) for n in names}
                for r in records}

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        changes = []
        for records, values in zip(actions, actions):
            names, masked = cls._audited_fields(list(values))
            if names:
                changes.append(([r.id for r in records], names, masked))
        before = [cls._audit_snapshot(ids, names)
            for ids, names, _ in changes]
        super().write(*args)
        entries = []
        for (ids, names, masked), old in zip(changes, before):
            new = cls._audit_snapshot(ids, names)
            for id_ in ids:
                for name in names:
                    if old[id_][name] == new[id_][name]:
                        continue
                    if name in masked:
                        entries.append((id_, name, '***', '***'))
                    else:
                        entries.append((id_, name, old[id_][name],
                                new[id_][name]))
        cls._audit_write(entries)

    @classmethod
    def _audit_write(cls, entries):
        "Create the crm.audit of (record id, field, old, new) entries"
        if not entries:
            return
        Audit = Pool().get('crm.audit')
        user = Transaction().user
        now = dt.datetime.now()
        labels = {n: cls._fields[n].string for _, n, _, _ in entries}
        with without_check_access():
            for sub_entries in grouped_slice(entries, WRITE_SLICE):
                Audit.create([{
                            'resource': f'{cls.__name__},{id_}',
                            'field': name,
                            'field_label': labels[name],
                            'old_value': old,
                            'new_value': new,
                            'user': user or None,
                            'date': now,
                            } for id_, name, old, new in sub_entries])

    @classmethod
    def get_crm_change_history(cls, records, name):
        "The entries of each record, newest first, one per line"
        Audit = Pool().get('crm.audit')
        result = {r.id: '' for r in records}
        with without_check_access():
            for record in records:
                entries = Audit.search(
                    [('resource', '=', str(record))], limit=TAB_LIMIT)
                lines = []
                for entry in entries:
                    lines.append(gettext('crm_plus.msg_audit_line',
                            date=entry.date.replace(
                                microsecond=0).isoformat(' '),
                            user=entry.user.rec_name if entry.user else '',
                            field=entry.field_label or entry.field,
                            old=entry.old_value or '∅',
                            new=entry.new_value or '∅'))
                result[record.id] = '\n'.join(lines)
        return result


# changed with the module's security.xml only: cached a while
_restricted_cache = Cache('crm_audit.restricted', context=False,
    duration=dt.timedelta(minutes=10))


def _restricted(model):
    "The fields of model with a field access (the sensitive fields)"
    FieldAccess = Pool().get('ir.model.field.access')
    names = _restricted_cache.get(model)
    if names is None:
        with without_check_access():
            names = sorted({a.field for a in FieldAccess.search(
                        [('model', '=', model)])})
        _restricted_cache.set(model, names)
    return set(names)


class Party(AuditMixin, metaclass=PoolMeta):
    __name__ = 'party.party'


class Contact(AuditMixin, metaclass=PoolMeta):
    __name__ = 'crm.contact'


class Opportunity(AuditMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity'


class Sale(AuditMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'


class Ticket(AuditMixin, metaclass=PoolMeta):
    __name__ = 'crm.ticket'


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    audit_days = fields.Integer(
        "Audit Days",
        domain=['OR',
            ('audit_days', '=', None),
            ('audit_days', '>', 0),
            ],
        help="The change history is kept so many days; empty: for ever.")

    @classmethod
    def default_audit_days(cls):
        return 730


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.audit|purge', "Purge Change History"))


class PartyErase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    @classmethod
    def get_resources(cls):
        # the erase deletes the resources of the erased records: their
        # change history goes with their data
        return super().get_resources() + [Pool().get('crm.audit')]
