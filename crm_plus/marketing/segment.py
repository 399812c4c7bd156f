"""Dynamic customer segments: criteria compiled to one SQL query.

A segment holds a tree of criteria: group nodes (all of / any of their
children) and leaf nodes (a criterion type and its parameters).  The tree
compiles to one python-sql query selecting the column ``party`` from
``party_party``: every leaf is a condition on the party row (its columns,
or ``id IN (subquery)`` for addresses, tags, sales, tickets and campaign
responses), every group an AND/OR of its children.
"""
import datetime as dt

from sql import Cast, Literal, Null
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Coalesce
from sql.operators import And, Not, Or

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.transaction import Transaction, check_access

from ..customer.party import GENDERS, HEADCOUNTS, LIFECYCLES, SALE_DONE_STATES
from ..service.ticket import OPEN_STATES
from ..text_input import TextInputMixin

GROUPS = {'and', 'or'}
TYPES = [
    ('and', "All of"),
    ('or', "Any of"),
    ('age', "Age"),
    ('gender', "Gender"),
    ('province', "Province"),
    ('city', "City or District"),
    ('industry', "Industry"),
    ('headcount', "Company Size"),
    ('level', "Level"),
    ('category', "Tag"),
    ('lifecycle', "Lifecycle"),
    ('source', "Source"),
    ('owner', "Owner"),
    ('team', "Team"),
    ('product', "Bought Product"),
    ('product_category', "Bought Product Category"),
    ('order_count', "Number of Orders"),
    ('total_spent', "Total Spent"),
    ('last_purchase', "Last Purchase Date"),
    ('open_tickets', "Open Tickets"),
    ('campaign_response', "Campaign Response"),
    ]
#: the parameter a leaf type needs (one of them for ranges)
REQUIRED = {
    'age': ('age_min', 'age_max'),
    'gender': ('gender',),
    'province': ('subdivision',),
    'city': ('region',),
    'industry': ('industry',),
    'headcount': ('headcount',),
    'level': ('level',),
    'category': ('category',),
    'lifecycle': ('lifecycle',),
    'source': ('source',),
    'owner': ('owner',),
    'team': ('team',),
    'product': ('product',),
    'product_category': ('product_category',),
    'total_spent': ('amount_min', 'amount_max'),
    'last_purchase': ('days', 'date_from', 'date_to'),
    'campaign_response': ('response',),
    }
#: the types whose criterion reads a period of sales or responses
PERIOD_TYPES = {'product', 'product_category', 'order_count', 'total_spent',
    'last_purchase', 'campaign_response'}
COUNT_TYPES = {'order_count', 'open_tickets'}


class SegmentError(UserError):
    pass


def years_before(date, years):
    "date moved back by years (29 February becomes 28 February)"
    try:
        return date.replace(year=date.year - years)
    except ValueError:
        return date.replace(year=date.year - years, day=28)


class Segment(TextInputMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'crm.segment'
    __string__ = "Segment"

    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Company", required=True)
    description = fields.Text("Description")
    operator = fields.Selection([
            ('and', "All criteria"),
            ('or', "Any criterion"),
            ], "Match", required=True,
        help="How the criteria of the first level combine.")
    criteria = fields.One2Many(
        'crm.segment.criterion', 'segment', "Criteria",
        domain=[('parent', '=', None)],
        filter=[('parent', '=', None)])
    email_list = fields.Many2One(
        'marketing.email.list', "Static List", readonly=True,
        ondelete='SET NULL',
        help="The mailing list the segment was last frozen into.")
    member_count = fields.Function(
        fields.Integer("Members",
            help="The customers of the segment you may read."),
        'get_member_count')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'preview': {'depends': ['id']},
                'freeze': {},
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_operator(cls):
        return 'and'

    # Evaluation --------------------------------------------------------------
    def query(self):
        """A python-sql query selecting the column ``party``: the ids of the
        customers in the segment"""
        pool = Pool()
        Party = pool.get('party.party')
        party = Party.__table__()
        compiler = Compiler(self, party)
        condition = compiler.combine(self.operator, self.criteria)
        return party.select(party.id.as_('party'),
            where=(party.crm_kind != Null) & (party.active == Literal(True))
            & condition)

    def party_ids(self):
        cursor = Transaction().connection.cursor()
        cursor.execute(*self.query())
        return [r for r, in cursor]

    @classmethod
    def query_union(cls, segments):
        "One query selecting ``party``: the customers of any of segments"
        queries = [s.query() for s in segments]
        if not queries:
            return None
        result = queries[0]
        for query in queries[1:]:
            result = result | query
        return result

    def member_domain(self):
        "The party.party domain of the members, searched under the rules"
        return [('crm_segments', '=', self.id)]

    @classmethod
    def get_member_count(cls, segments, name):
        Party = Pool().get('party.party')
        return {s.id: Party.search_count(s.member_domain()) if s.id >= 0
            else 0 for s in segments}

    # Buttons -----------------------------------------------------------------
    @classmethod
    @ModelView.button_action('crm_plus.act_segment_members')
    def preview(cls, segments):
        if len(segments) != 1:
            return
        segment, = segments
        encoder = PYSONEncoder()
        return {
            'pyson_domain': encoder.encode(segment.member_domain()),
            'name': '%s (%s)' % (segment.rec_name, segment.member_count),
            }

    @classmethod
    @ModelView.button
    def freeze(cls, segments):
        "Copy the members with an e-mail address into a new mailing list"
        pool = Pool()
        EmailList = pool.get('marketing.email.list')
        Email = pool.get('marketing.email')
        Party = pool.get('party.party')
        Lang = pool.get('ir.lang')
        Date = pool.get('ir.date')
        language = Transaction().language
        langs = Lang.search([('code', '=', language)], limit=1)
        if not langs:
            langs = Lang.search([('code', '=', 'zh_CN')], limit=1)
        for segment in segments:
            with Transaction().set_context(company=segment.company.id):
                today = Date.today()
            email_list = EmailList(
                name='%s %s' % (segment.name, today.isoformat()),
                language=langs[0] if langs else None)
            email_list.save()
            emails, seen = [], set()
            for party in Party.search(
                    segment.member_domain(), order=[('id', 'ASC')]):
                address = party.email
                if not address or address.lower() in seen:
                    continue
                seen.add(address.lower())
                emails.append(Email(
                        email=address, list_=email_list, crm_party=party))
            Email.save(emails)
            segment.email_list = email_list
        cls.save(segments)

    @classmethod
    def copy(cls, segments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('email_list')
        return super().copy(segments, default=default)


class Compiler:
    "Turns the criteria of a segment into python-sql conditions on party"

    def __init__(self, segment, party):
        pool = Pool()
        Date = pool.get('ir.date')
        self.segment = segment
        self.party = party
        self.company = segment.company.id if segment.company else None
        with Transaction().set_context(company=self.company):
            self.today = Date.today()

    def combine(self, operator, criteria):
        conditions = [self.condition(c) for c in criteria]
        if not conditions:
            return Literal(True) if operator == 'and' else Literal(False)
        if len(conditions) == 1:
            return conditions[0]
        return (And if operator == 'and' else Or)(conditions)

    def condition(self, criterion):
        if criterion.type in GROUPS:
            condition = self.combine(criterion.type, criterion.children)
            # a NULL of a column comparison inside would stay NULL
            nullable = True
        else:
            condition, nullable = getattr(self, criterion.type)(criterion)
        if criterion.negate:
            if nullable:
                condition = Coalesce(condition, Literal(False))
            condition = Not(condition)
        return condition

    # Columns of the party --------------------------------------------------
    def _column(self, name, value):
        return getattr(self.party, name) == value, True

    def gender(self, c):
        return self._column('crm_gender', c.gender)

    def industry(self, c):
        return self._column('crm_industry', c.industry.id)

    def headcount(self, c):
        return self._column('crm_headcount', c.headcount)

    def level(self, c):
        return self._column('crm_level', c.level.id)

    def lifecycle(self, c):
        return self._column('crm_lifecycle', c.lifecycle)

    def source(self, c):
        return self._column('crm_source', c.source.id)

    def owner(self, c):
        return self._column('crm_owner', c.owner.id)

    def team(self, c):
        return self._column('crm_team', c.team.id)

    def age(self, c):
        "Age in [min, max] in full years at the company's today"
        birthday = self.party.crm_birthday
        conditions = [birthday != Null]
        if c.age_min is not None:
            conditions.append(birthday <= years_before(self.today, c.age_min))
        if c.age_max is not None:
            conditions.append(
                birthday > years_before(self.today, c.age_max + 1))
        return And(conditions), True

    # Related records --------------------------------------------------------
    def _in(self, query):
        return self.party.id.in_(query), False

    def _address(self, where):
        Address = Pool().get('party.address')
        address = Address.__table__()
        return self._in(address.select(address.party,
                where=(address.active == Literal(True)) & where(address)))

    def province(self, c):
        Subdivision = Pool().get('country.subdivision')
        ids = [s.id for s in Subdivision.search([
                    ('parent', 'child_of', [c.subdivision.id]),
                    ])]
        return self._address(lambda a: a.subdivision.in_(ids))

    def city(self, c):
        return self._address(lambda a: (a.crm_city == c.region.id)
            | (a.crm_district == c.region.id))

    def category(self, c):
        pool = Pool()
        Category = pool.get('party.category')
        PartyCategory = pool.get('party.party-party.category')
        relation = PartyCategory.__table__()
        ids = [x.id for x in Category.search([
                    ('parent', 'child_of', [c.category.id]),
                    ])]
        return self._in(relation.select(relation.party,
                where=relation.category.in_(ids)))

    # Sales -------------------------------------------------------------------
    def _period(self, c, column, datetime=False):
        "Conditions on column (a date) of the period of c"
        conditions = []
        start = c.date_from
        if c.days is not None:
            since = self.today - dt.timedelta(days=c.days)
            start = max(start, since) if start else since
        end = c.date_to
        if datetime:
            start = dt.datetime.combine(start, dt.time()) if start else None
            end = (dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
                if end else None)
            if start:
                conditions.append(column >= start)
            if end:
                conditions.append(column < end)
        else:
            if start:
                conditions.append(column >= start)
            if end:
                conditions.append(column <= end)
        return conditions

    def _sales(self):
        Sale = Pool().get('sale.sale')
        sale = Sale.__table__()
        return sale, [sale.state.in_(SALE_DONE_STATES),
            sale.company == self.company]

    def _bought(self, c, join):
        Line = Pool().get('sale.line')
        sale, where = self._sales()
        line = Line.__table__()
        from_, conditions = join(line.join(sale,
                condition=line.sale == sale.id), line)
        conditions.append(line.type == 'line')
        return self._in(from_.select(sale.party,
                where=And(where + self._period(c, sale.sale_date)
                    + conditions)))

    def product(self, c):
        return self._bought(c, lambda from_, line: (
                from_, [line.product == c.product.id]))

    def product_category(self, c):
        """Bought a product of the category: the products are resolved
        first, so that the planner sees a list of products on the lines
        (a parallel hash join of the lines and the period's sales)"""
        pool = Pool()
        Product = pool.get('product.product')
        Category = pool.get('product.category')
        TemplateCategory = pool.get('product.template-product.category')
        product = Product.__table__()
        relation = TemplateCategory.__table__()
        ids = [x.id for x in Category.search([
                    ('parent', 'child_of', [c.product_category.id]),
                    ])]
        cursor = Transaction().connection.cursor()
        cursor.execute(*product.join(relation,
                condition=product.template == relation.template).select(
                product.id, where=relation.category.in_(ids)))
        products = sorted({r for r, in cursor})
        if not products:
            return Literal(False), False
        return self._bought(c, lambda from_, line: (
                from_, [line.product.in_(products)]))

    def _range(self, c, query, aggregate, low, high, group_by,
            convert=lambda v: v):
        """party IN the parties of query whose aggregate is in [low, high];
        with no low (or 0): party NOT IN those above high, so that the
        customers without a row count"""
        if not low:
            if high is None:
                return Literal(True), False
            return Not(self.party.id.in_(query.select(group_by,
                        where=query.where_, group_by=[group_by],
                        having=aggregate > convert(high)))), False
        having = [aggregate >= convert(low)]
        if high is not None:
            having.append(aggregate <= convert(high))
        return self._in(query.select(group_by, where=query.where_,
                group_by=[group_by], having=And(having)))

    def order_count(self, c):
        sale, where = self._sales()
        low = c.count_min
        if low is None and c.count_max is None:
            low = 1
        return self._range(c, _From(sale, And(
                    where + self._period(c, sale.sale_date))),
            Count(sale.id), low, c.count_max, sale.party)

    def total_spent(self, c):
        Line = Pool().get('sale.line')
        sale, where = self._sales()
        line = Line.__table__()
        from_ = line.join(sale, condition=line.sale == sale.id)
        return self._range(c, _From(from_, And(
                    where + self._period(c, sale.sale_date)
                    + [line.type == 'line'])),
            Sum(Coalesce(line.quantity, 0) * Coalesce(line.unit_price, 0)),
            c.amount_min, c.amount_max, sale.party, convert=_numeric)

    def last_purchase(self, c):
        sale, where = self._sales()
        period = self._period(c, Max(sale.sale_date))
        return self._in(sale.select(sale.party, where=And(where),
                group_by=[sale.party], having=And(period)))

    # Service and campaigns ---------------------------------------------------
    def open_tickets(self, c):
        Ticket = Pool().get('crm.ticket')
        ticket = Ticket.__table__()
        low = c.count_min
        if low is None and c.count_max is None:
            low = 1
        return self._range(c, _From(ticket, And([
                        ticket.state.in_(sorted(OPEN_STATES)),
                        ticket.company == self.company])),
            Count(ticket.id), low, c.count_max, ticket.party)

    def campaign_response(self, c):
        pool = Pool()
        Recipient = pool.get('crm.campaign.recipient')
        Campaign = pool.get('crm.campaign')
        recipient = Recipient.__table__()
        campaign = Campaign.__table__()
        column = getattr(recipient, f'{c.response}_at')
        where = [column != Null, campaign.company == self.company]
        if c.campaign:
            where.append(recipient.campaign == c.campaign.id)
        where += self._period(c, column, datetime=True)
        return self._in(recipient.join(campaign,
                condition=recipient.campaign == campaign.id).select(
                recipient.party, where=And(where)))


def _numeric(value):
    "value as an SQL numeric (SQLite stores Decimal parameters as text)"
    if value is None:
        return None
    return Cast(Literal(value), 'NUMERIC')


class _From:
    "A from item and its where clause, selected by Compiler._range"

    def __init__(self, from_, where):
        self.from_ = from_
        self.where_ = where

    def select(self, *columns, **kwargs):
        return self.from_.select(*columns, **kwargs)


_leaf = {'invisible': Eval('type').in_(list(GROUPS))}


def _type_in(*types):
    return {'invisible': ~Eval('type').in_(list(types))}


class Criterion(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'crm.segment.criterion'
    __string__ = "Segment Criterion"

    segment = fields.Many2One(
        'crm.segment', "Segment", required=True, ondelete='CASCADE')
    parent = fields.Many2One(
        'crm.segment.criterion', "Group", ondelete='CASCADE',
        domain=[
            ('segment', '=', Eval('segment', -1)),
            ('type', 'in', list(GROUPS)),
            ])
    children = fields.One2Many(
        'crm.segment.criterion', 'parent', "Criteria",
        domain=[('segment', '=', Eval('segment', -1))],
        context={'crm_segment': Eval('segment', -1)},
        states={'invisible': ~Eval('type').in_(list(GROUPS))},
        depends={'segment'})
    type = fields.Selection(TYPES, "Type", required=True, sort=False)
    negate = fields.Boolean("Exclude",
        help="Keep the customers who do not match the criterion.")

    age_min = fields.Integer("Minimum Age", states=_type_in('age'),
        domain=[If(Eval('age_min'), ('age_min', '>=', 0), ())])
    age_max = fields.Integer("Maximum Age", states=_type_in('age'),
        domain=[If(Eval('age_max'), ('age_max', '>=', 0), ())])
    gender = fields.Selection(GENDERS, "Gender", states=_type_in('gender'))
    subdivision = fields.Many2One(
        'country.subdivision', "Province", states=_type_in('province'))
    region = fields.Many2One(
        'crm.region', "City or District", states=_type_in('city'))
    industry = fields.Many2One(
        'crm.industry', "Industry", states=_type_in('industry'))
    headcount = fields.Selection(
        HEADCOUNTS, "Company Size", sort=False, states=_type_in('headcount'))
    level = fields.Many2One(
        'crm.customer.level', "Level", states=_type_in('level'))
    category = fields.Many2One(
        'party.category', "Tag", states=_type_in('category'),
        help="Customers with the tag or one of its sub-tags.")
    lifecycle = fields.Selection(
        [(None, "")] + LIFECYCLES, "Lifecycle", sort=False,
        states=_type_in('lifecycle'))
    source = fields.Many2One(
        'crm.customer.source', "Source", states=_type_in('source'))
    owner = fields.Many2One(
        'company.employee', "Owner", states=_type_in('owner'))
    team = fields.Many2One('crm.team', "Team", states=_type_in('team'))
    product = fields.Many2One(
        'product.product', "Product", states=_type_in('product'))
    product_category = fields.Many2One(
        'product.category', "Product Category",
        states=_type_in('product_category'),
        help="Products of the category or one of its sub-categories.")
    response = fields.Selection([
            (None, ""),
            ('opened', "Opened"),
            ('clicked', "Clicked"),
            ('unsubscribed', "Unsubscribed"),
            ], "Response", states=_type_in('campaign_response'))
    campaign = fields.Many2One(
        'crm.campaign', "Campaign", states=_type_in('campaign_response'),
        help="Leave empty for any campaign.")
    count_min = fields.Integer("Minimum Number",
        states=_type_in(*COUNT_TYPES),
        help="Empty for at least one.")
    count_max = fields.Integer("Maximum Number",
        states=_type_in(*COUNT_TYPES))
    amount_min = fields.Numeric("Minimum Amount", digits=(16, 2),
        states=_type_in('total_spent'))
    amount_max = fields.Numeric("Maximum Amount", digits=(16, 2),
        states=_type_in('total_spent'))
    days = fields.Integer("Within Last Days", states=_type_in(*PERIOD_TYPES),
        help="Only the sales or responses of the last days.")
    date_from = fields.Date("From Date", states=_type_in(*PERIOD_TYPES))
    date_to = fields.Date("To Date", states=_type_in(*PERIOD_TYPES))
    summary = fields.Function(fields.Char("Summary"), 'get_summary')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('segment')

    @classmethod
    def preprocess_values(cls, mode, values):
        "Children created inside a group belong to the group's segment"
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and not values.get('segment')
                and values.get('parent') is not None):
            values['segment'] = cls(values['parent']).segment.id
        return values

    @classmethod
    def default_segment(cls):
        segment = Transaction().context.get('crm_segment')
        return segment if isinstance(segment, int) and segment > 0 else None

    @classmethod
    def default_type(cls):
        return 'and'

    @classmethod
    def default_negate(cls):
        return False

    @fields.depends('parent', '_parent_parent.segment')
    def on_change_parent(self):
        if self.parent and self.parent.segment:
            self.segment = self.parent.segment

    def get_summary(self, name):
        labels = dict(self.fields_get(['type'])['type']['selection'])
        text = labels.get(self.type, '')
        values = []
        for name in REQUIRED.get(self.type, ()) + (
                ('count_min', 'count_max') if self.type in COUNT_TYPES
                else ()):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, ModelSQL):
                value = value.rec_name
            values.append(str(value))
        if self.type in PERIOD_TYPES - {'last_purchase'}:
            for name in ['days', 'date_from', 'date_to']:
                if getattr(self, name) is not None:
                    values.append(str(getattr(self, name)))
        if values:
            text += ': ' + ', '.join(values)
        if self.negate:
            text = '¬ ' + text
        return text

    def get_rec_name(self, name):
        return self.summary

    @classmethod
    def validate_fields(cls, criteria, field_names):
        super().validate_fields(criteria, field_names)
        for criterion in criteria:
            criterion.check_parameters()

    def check_parameters(self):
        names = REQUIRED.get(self.type)
        if names and all(getattr(self, n) is None for n in names):
            field = self.__class__._fields[names[0]]
            raise ValidationError(gettext(
                    'crm_plus.msg_segment_criterion_parameter',
                    criterion=self.rec_name, field=field.string))
        for low, high in [('age_min', 'age_max'), ('count_min', 'count_max'),
                ('amount_min', 'amount_max'), ('date_from', 'date_to')]:
            low, high = getattr(self, low), getattr(self, high)
            if low is not None and high is not None and low > high:
                raise ValidationError(gettext(
                        'crm_plus.msg_segment_criterion_range',
                        criterion=self.rec_name))
        for name in ['days', 'count_min', 'count_max', 'age_min', 'age_max']:
            if (getattr(self, name) or 0) < 0:
                raise ValidationError(gettext(
                        'crm_plus.msg_segment_criterion_range',
                        criterion=self.rec_name))
        if self.type not in GROUPS and self.children:
            raise ValidationError(gettext(
                    'crm_plus.msg_segment_criterion_leaf',
                    criterion=self.rec_name))
        if self.parent and self.parent.segment != self.segment:
            raise ValidationError(gettext(
                    'crm_plus.msg_segment_criterion_segment',
                    criterion=self.rec_name))


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the sales of a period, read by the behaviour criteria of
        # segments: covering (id, party), an index-only scan on PostgreSQL
        cls._sql_indexes.add(Index(t,
                (t.company, Index.Equality()),
                (t.sale_date, Index.Range()),
                include=[t.id, t.party],
                where=t.state.in_(SALE_DONE_STATES)))


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    crm_segments = fields.Function(fields.Many2Many(
            'crm.segment', None, None, "Segments",
            help="The dynamic segments the customer belongs to."),
        'get_crm_segments', searcher='search_crm_segments')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the age and gender criteria of segments
        cls._sql_indexes.add(Index(t,
                (t.crm_gender, Index.Equality(cardinality='low')),
                (t.crm_birthday, Index.Range()),
                where=t.crm_birthday != Null))

    @classmethod
    def get_crm_segments(cls, parties, name):
        pool = Pool()
        Segment = pool.get('crm.segment')
        party_ids = {p.id for p in parties}
        result = {i: [] for i in party_ids}
        cursor = Transaction().connection.cursor()
        for segment in Segment.search([]):
            query = segment.query()
            cursor.execute(*query.select(query.party,
                    where=query.party.in_(list(party_ids))))
            for party_id, in cursor:
                result[party_id].append(segment.id)
        return result

    @classmethod
    def search_crm_segments(cls, name, clause):
        "The members of the segments the user may read"
        pool = Pool()
        Segment = pool.get('crm.segment')
        _, operator, value = clause[:3]
        if operator in {'=', '!='}:
            ids = [value] if value is not None else []
        elif operator in {'in', 'not in'}:
            ids = list(value or [])
        else:
            raise SegmentError(gettext(
                    'crm_plus.msg_segment_search_operator',
                    operator=operator))
        ids = [i for i in ids if isinstance(i, int) and 0 < i < 2 ** 31]
        # domains are converted without access checks: the segments are
        # those the user may read (model access and record rules)
        with check_access(_access=Transaction().user != 0):
            segments = Segment.search([('id', 'in', ids)])
        query = Segment.query_union(segments)
        if query is None:
            return ([('id', '=', None)] if operator in {'=', 'in'}
                else [])
        return [('id', 'not in' if operator in {'!=', 'not in'} else 'in',
                query)]


class Email(metaclass=PoolMeta):
    __name__ = 'marketing.email'
    crm_party = fields.Many2One(
        'party.party', "Customer", ondelete='CASCADE', readonly=True,
        help="The customer the address was copied from by a segment.")

    @classmethod
    def get_web_user(cls, records, names):
        result = super().get_web_user(records, names)
        if 'party' in names:
            for record in records:
                if not result['party'].get(record.id) and record.crm_party:
                    result['party'][record.id] = record.crm_party.id
        return result


class PartyReplace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        return super().fields_to_replace() + [
            ('marketing.email', 'crm_party'),
            ]


class PartyErase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def to_erase(self, party_id):
        "The addresses frozen from segments go with the person"
        Email = Pool().get('marketing.email')
        Email.delete(Email.search([('crm_party', '=', party_id)]))
        return super().to_erase(party_id)
