"""Merge Customers: keep one party and fold a duplicate into it.

The records pointing to the duplicate are moved by the stock party.replace
wizard (its ``fields_to_replace`` lists every Many2One to party.party, the
other modules extend it), which then deactivates the duplicate with
``replaced_by``.  Before that, the kept party receives the categories and
the empty owner/team of the duplicate; afterwards the identifiers, contact
mechanisms and addresses it did not have are re-activated on it.
"""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .normalize import normalize_phone


class MergeStart(ModelView):
    __name__ = 'crm.party.merge.start'
    __string__ = "Merge Customers"
    destination = fields.Many2One(
        'party.party', "Customer to Keep", required=True,
        help="The customer that remains.")
    source = fields.Many2One(
        'party.party', "Duplicate", required=True,
        domain=[
            ('id', '!=', Eval('destination', -1)),
            ],
        help="The customer merged into the kept one and deactivated.")
    summary = fields.Text("What Moves", readonly=True)

    @classmethod
    def default_destination(cls):
        context = Transaction().context
        if context.get('active_model') == 'party.party':
            return context.get('active_id')

    @fields.depends('destination', 'source')
    def on_change_destination(self):
        if (self.destination and not self.source
                and self.destination.id is not None
                and self.destination.id >= 0):
            duplicates = self.destination.crm_duplicates
            if duplicates:
                self.source = duplicates[0]
        self.summary = self.on_change_with_summary()

    @fields.depends('destination', 'source')
    def on_change_source(self):
        self.summary = self.on_change_with_summary()

    @fields.depends('destination', 'source')
    def on_change_with_summary(self):
        if not self.destination or not self.source:
            return None
        return Merge.summarize(self.source, self.destination)


class Merge(Wizard):
    __name__ = 'crm.party.merge'
    __string__ = "Merge Customers"
    start_state = 'start'
    start = StateView('crm.party.merge.start',
        'crm_plus.party_merge_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Merge", 'merge', 'tryton-launch', default=True),
            ])
    merge = StateTransition()

    @classmethod
    def summarize(cls, source, destination):
        "Return a text listing what the merge moves"
        pool = Pool()
        IrModel = pool.get('ir.model')
        Replace = pool.get('party.replace', type='wizard')
        lines = []
        counts = {}
        for model_name, field_name in Replace.fields_to_replace():
            Model = pool.get(model_name)
            field = Model._fields[field_name]
            value = (str(source) if field._type == 'reference'
                else source.id)
            with Transaction().set_context(active_test=False):
                count = Model.search_count([(field_name, '=', value)])
            if count:
                name = IrModel.get_name(model_name)
                counts[name] = counts.get(name, 0) + count
        for name, count in sorted(counts.items()):
            lines.append(gettext('crm_plus.msg_customer_merge_move',
                    count=count, model=name))
        new_categories = set(source.categories) - set(destination.categories)
        if new_categories:
            lines.append(gettext('crm_plus.msg_customer_merge_categories',
                    categories=', '.join(
                        sorted(c.rec_name for c in new_categories))))
        lines.append(gettext('crm_plus.msg_customer_merge_deactivate',
                party=source.rec_name, destination=destination.rec_name))
        return '\n'.join(lines)

    def transition_merge(self):
        pool = Pool()
        Party = pool.get('party.party')
        Replace = pool.get('party.replace', type='wizard')
        source, destination = self.start.source, self.start.destination

        values = {}
        categories = set(source.categories) - set(destination.categories)
        if categories:
            values['categories'] = [('add', [c.id for c in categories])]
        for name in ['crm_owner', 'crm_team', 'lang']:
            if (name in Party._fields and not getattr(destination, name)
                    and getattr(source, name)):
                values[name] = getattr(source, name).id
        if values:
            Party.write([destination], values)

        kept = self._keys(destination)
        moved = (list(source.identifiers) + list(source.contact_mechanisms)
            + list(source.addresses))

        # the replace moves the sales in SQL: their days change owner
        pool.get('crm.analytics.sale.summary').mark_sales(
            'party', [source.id])
        session_id, _, _ = Replace.create()
        try:
            replace = Replace(session_id)
            replace.ask.source = source
            replace.ask.destination = destination
            replace.transition_replace()
        finally:
            Replace.delete(session_id)

        self._reactivate([r for r in moved if self._key(r) not in kept])
        return 'end'

    @classmethod
    def _key(cls, record):
        if record.__name__ == 'party.identifier':
            return (record.__name__, record.type, record.code_compact)
        elif record.__name__ == 'party.contact_mechanism':
            value = record.value_compact or record.value or ''
            if record.type in {'phone', 'mobile', 'fax'}:
                value = normalize_phone(value) or value
            return (record.__name__, record.type, value.lower())
        else:
            return (record.__name__,) + tuple(
                (getattr(record, f, None) or '')
                if not hasattr(getattr(record, f, None), 'id')
                else getattr(record, f).id
                for f in ['street', 'postal_code', 'city', 'country',
                    'subdivision'])

    @classmethod
    def _keys(cls, party):
        return {cls._key(r) for r in (list(party.identifiers)
                + list(party.contact_mechanisms) + list(party.addresses))}

    @classmethod
    def _reactivate(cls, records):
        pool = Pool()
        by_model = {}
        for record in records:
            by_model.setdefault(record.__name__, []).append(record.id)
        for model_name, ids in by_model.items():
            Model = pool.get(model_name)
            Model.write(Model.browse(ids), {'active': True})
