"""The erasure log: what the erasure of a person did, without the person.

Each run of Tryton's party *Erase* wizard leaves one crm.erasure.log entry:
the date, the user who erased, the party's id (a number, pseudonymous once
the data is gone), the request reference typed in the wizard and how many
records of each model were erased or anonymised.  The entry holds no name,
phone number or address.  The erasure also deletes the person's consents
(crm.consent, personal data whose log has nothing to keep once the person
is gone)."""
import datetime as dt

from trytond.model import ModelSQL, ModelView, convert_from, fields
from trytond.model.exceptions import AccessError
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import (
    Transaction, inactive_records, without_check_access)

class ErasureLog(ModelSQL, ModelView):
    __name__ = 'crm.erasure.log'
    __string__ = "Erasure Log"
    date = fields.DateTime("Date", readonly=True, required=True)
    user = fields.Many2One('res.user', "Erased By", readonly=True)
    party_number = fields.Integer(
        "Party Number", readonly=True, required=True,
        help="The id of the erased party: no name is kept.")
    reference = fields.Char(
        "Request Reference", readonly=True,
        help="The reference of the person's erasure request.")
    records = fields.Integer("Records", readonly=True,
        help="The number of records erased or anonymised.")
    counts = fields.Text("Records per Model", readonly=True,
        help="The number of records erased or anonymised, per model.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def write(cls, *args):
        raise AccessError(gettext('crm_plus.msg_erasure_log_immutable'))

    @classmethod
    def delete(cls, records):
        raise AccessError(gettext('crm_plus.msg_erasure_log_immutable'))

class EraseAsk(metaclass=PoolMeta):
    __name__ = 'party.erase.ask'
    crm_reference = fields.Char(
        "Request Reference",
        help="The reference of the person's erasure request (recorded in "
        "the erasure log; no personal data).")

class PartyErase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def crm_to_delete(self, party_id):
        """The (Model, domain) of the records deleted outright with the
        party (those that are nothing but personal data)"""
        Consent = Pool().get('crm.consent')
        return [(Consent, [('party', '=', party_id)])]

    def _crm_parties(self):
        "The erased party and the parties it replaced, as the erase walks"
        Party = Pool().get('party.party')
        parties = replacing = [self.ask.party]
        with inactive_records():
            while replacing:
                replacing = Party.search([
                        ('replaced_by', 'in', list(map(int, replacing))),
                        ])
                parties += replacing
        return parties

    @staticmethod
    def _crm_query(Model, domain):
        tables, where = Model.search_domain(domain, active_test=False)
        from_ = convert_from(None, tables, type_='INNER')
        table, _ = tables[None]
        return from_.select(table.id, where=where)

    def _crm_count(self, parties):
        "The number of records erased, anonymised or deleted, per model"
        cursor = Transaction().connection.cursor()
        resources = self.get_resources()
        ids = {}

        def add(name, query):
            cursor.execute(*query)
            ids.setdefault(name, set()).update(i for i, in cursor)
        for party in parties:
            for Model, domain, resource, _, _ in self.to_erase(party.id):
                query = self._crm_query(Model, domain)
                add(Model.__name__, query)
                if not resource:
                    continue
                for Resource in resources:
                    table = Resource.__table__()
                    add(Resource.__name__, table.select(table.id,
                            where=table.resource.like(Model.__name__ + ',%')
                            & Resource.resource.sql_id(
                                table.resource, Model).in_(query)))
            for Model, domain in self.crm_to_delete(party.id):
                add(Model.__name__, self._crm_query(Model, domain))
        return {n: len(i) for n, i in ids.items() if i}

    def transition_erase(self):
        pool = Pool()
        Log = pool.get('crm.erasure.log')
        cursor = Transaction().connection.cursor()
        parties = self._crm_parties()
        for party in parties:
            self.check_erase(party)
        counts = self._crm_count(parties)
        number = self.ask.party.id
        reference = (getattr(self.ask, 'crm_reference', None) or ''
            ).strip() or None
        state = super().transition_erase()
        for party in parties:
            for Model, domain in self.crm_to_delete(party.id):
                table = Model.__table__()
                cursor.execute(*table.delete(
                        where=table.id.in_(self._crm_query(Model, domain))))
        with without_check_access():
            Log.create([{
                        'date': dt.datetime.now(),
                        'user': Transaction().user or None,
                        'party_number': number,
                        'reference': reference,
                        'records': sum(counts.values()),
                        'counts': '\n'.join('%s: %d' % (name, counts[name])
                            for name in sorted(counts)),
                        }])
        return state
