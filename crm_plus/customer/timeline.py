"""The customer timeline: interactions, opportunities, sales and open
follow-ups of a customer in one read-only list, newest first.

Each source is a SQL query returning the same columns; other domains add
theirs by extending ``_timeline_sources``. The rows keep the id of their
source record as ``id * 10 + index`` so they are unique and stable.
"""
from sql import Cast, Literal, Null, Union
from sql.conditionals import Coalesce
from sql.operators import Concat

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..security import ReadOnlyQueryMixin

#: multiplier of the source ids, the number of sources a timeline can hold
SOURCES = 10
#: the number of latest rows the customer form shows
FORM_LIMIT = 100


class CustomerTimeline(ReadOnlyQueryMixin, ModelSQL, ModelView):
    __name__ = 'crm.customer.timeline'
    __string__ = "Customer Timeline"

    party = fields.Many2One(
        'party.party', "Customer", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    company = fields.Many2One('company.company', "Company", readonly=True)
    date = fields.DateTime("Date", readonly=True)
    timed = fields.Boolean(
        "Timed", readonly=True,
        help="Whether the date has a time of day (not only a day).")
    time = fields.Function(fields.Time("Time"), 'get_time')
    kind = fields.Selection('get_kinds', "Kind", readonly=True)
    record = fields.Reference(
        "Record", selection='get_records', readonly=True,
        context={
            'crm_timeline': True,
            })
    description = fields.Char("Description", readonly=True)
    state = fields.Selection('get_states', "State", readonly=True)
    unresolved = fields.Boolean(
        "Unresolved", readonly=True,
        help="Whether the item still needs an action.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_time(self, name):
        "The time of day of the date, none for a date without time"
        if self.timed and self.date:
            return self.date.time()

    @classmethod
    def _timeline_sources(cls):
        """Return the list of (kind, model name, method name, state field)
        of the sources.

        The method takes no argument and returns a query selecting the
        columns: id, party, company, date, timed (whether the date has a time
        of day), description, state, unresolved;
        the state is a value of the selection field of the model named by
        state field. The index of a source in the list is part of the row
        ids: append new sources, never insert them."""
        return [
            ('interaction', 'crm.interaction', '_timeline_interactions',
                'type'),
            ('opportunity', 'sale.opportunity', '_timeline_opportunities',
                'state'),
            ('sale', 'sale.sale', '_timeline_sales', 'state'),
            ('follow_up', 'crm.follow_up', '_timeline_follow_ups', 'state'),
            ]

    @classmethod
    def get_kinds(cls):
        get_name = Pool().get('ir.model').get_name
        return [(k, get_name(m)) for k, m, _, _ in cls._timeline_sources()]

    @classmethod
    def get_records(cls):
        get_name = Pool().get('ir.model').get_name
        return [(None, '')] + [
            (m, get_name(m)) for _, m, _, _ in cls._timeline_sources()]

    @classmethod
    def get_states(cls):
        "The selections of the state fields of the sources, merged"
        pool = Pool()
        states = {None: ''}
        for _, model, _, field in cls._timeline_sources():
            Model = pool.get(model)
            states.update(Model.fields_get([field])[field]['selection'])
        return list(states.items())

    @classmethod
    def _timestamp(cls, column):
        "Cast a date column to the timestamp type of the date column"
        return cls.date.sql_cast(column)

    @classmethod
    def _timeline_interactions(cls):
        table = Pool().get('crm.interaction').__table__()
        return table.select(
            table.id, table.party, table.company, table.date,
            Literal(True).as_('timed'),
            table.subject.as_('description'),
            table.type.as_('state'),
            Literal(False).as_('unresolved'))

    @classmethod
    def _timeline_opportunities(cls):
        table = Pool().get('sale.opportunity').__table__()
        return table.select(
            table.id, table.party, table.company,
            cls._timestamp(table.start_date).as_('date'),
            Literal(False).as_('timed'),
            Coalesce(table.description, table.number, '').as_(
                'description'),
            table.state,
            table.state.in_(['lead', 'opportunity', 'converted']).as_(
                'unresolved'))

    @classmethod
    def _timeline_sales(cls):
        table = Pool().get('sale.sale').__table__()
        return table.select(
            table.id, table.party, table.company,
            Coalesce(
                cls._timestamp(table.sale_date), table.create_date).as_(
                'date'),
            (table.sale_date == Null).as_('timed'),
            Coalesce(table.description, table.number, '').as_(
                'description'),
            table.state,
            table.state.in_(
                ['draft', 'quotation', 'confirmed', 'processing']).as_(
                'unresolved'))

    @classmethod
    def _timeline_follow_ups(cls):
        table = Pool().get('crm.follow_up').__table__()
        return table.select(
            table.id, table.party, table.company,
            cls._timestamp(table.due_date).as_('date'),
            Literal(False).as_('timed'),
            table.description,
            table.state,
            Literal(True).as_('unresolved'),
            where=table.state == 'open')

    @classmethod
    def table_query(cls):
        record_type = cls.record.sql_type().base
        queries = []
        for index, (kind, model, method, _) in enumerate(
                cls._timeline_sources(), 1):
            assert index < SOURCES
            source = getattr(cls, method)()
            # Integer casts: given as parameters the constants are typed
            # smallint by psycopg and the expression no longer matches the
            # indexes on id * SOURCES + index of the sources
            query = source.select(
                (source.id * Cast(SOURCES, 'INTEGER')
                    + Cast(index, 'INTEGER')).as_('id'),
                source.party,
                source.company,
                source.date,
                source.timed,
                Literal(kind).as_('kind'),
                Concat(model + ',', Cast(source.id, record_type)).as_(
                    'record'),
                source.description,
                source.state,
                source.unresolved)
            queries.append(query)
        return Union(*queries, all_=True)


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    def get_rec_name(self, name):
        # A sale gets its number when quoted, before it is named "(id)": the
        # timeline names it "Quotation (draft) #id" instead
        if (Transaction().context.get('crm_timeline')
                and not self.full_number and not self.reference
                and self.state in {'draft', 'cancelled'}):
            return gettext(
                f'crm_plus.msg_customer_timeline_sale_{self.state}',
                id=self.id)
        return super().get_rec_name(name)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    crm_timeline = fields.Function(fields.Many2Many(
            'crm.customer.timeline', None, None, "Timeline",
            help="The latest items of the customer, the full timeline is "
            "in the relate menu."),
        'get_crm_timeline')
    crm_unresolved = fields.Function(fields.Many2Many(
            'crm.customer.timeline', None, None, "Unresolved Items",
            help="The items of the customer which still need an action."),
        'get_crm_timeline')

    @classmethod
    def get_crm_timeline(cls, parties, names):
        pool = Pool()
        Timeline = pool.get('crm.customer.timeline')
        ModelAccess = pool.get('ir.model.access')
        cursor = Transaction().connection.cursor()
        result = {n: {p.id: [] for p in parties} for n in names}
        # function fields are computed without access check but the rows
        # must obey the record rules of the timeline
        with Transaction().set_context(_check_access=True):
            if not ModelAccess.check(
                    Timeline.__name__, 'read', raise_exception=False):
                return result
            for name in names:
                domain, limit = [], FORM_LIMIT
                if name == 'crm_unresolved':
                    domain, limit = [('unresolved', '=', True)], None
                for party in parties:
                    # Only the ids: a plain search also fetches every
                    # column of the rows to fill the cache
                    query = Timeline.search(
                        [('party', '=', party.id)] + domain,
                        limit=limit, query=True)
                    cursor.execute(*query)
                    result[name][party.id] = [i for i, in cursor]
        return result
