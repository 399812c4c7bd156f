"""Pipeline stages on sale.opportunity, kept in step with its workflow.

Every stage change is written to crm.opportunity.stage_history; time in
stage and cycle time are computed from it.
"""
import datetime
from collections import defaultdict

from sql import Cast
from sql.aggregate import Count, Sum
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from ..security import ReadOnlyQueryMixin
from ..text_input import TextInputMixin
from .pipeline import (
    SalesFilterContextMixin, group_by_stage, notify_stale, restricted_employees)

OPEN_STATES = ['lead', 'opportunity', 'converted']


def now():
    return datetime.datetime.now()


class Opportunity(TextInputMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity'

    pipeline = fields.Many2One(
        'crm.pipeline', "Pipeline", ondelete='RESTRICT',
        domain=[
            ('company', 'in', [Eval('company', -1), None]),
            ])
    stage = fields.Many2One(
        'crm.pipeline.stage', "Stage", ondelete='RESTRICT',
        domain=[
            ('pipeline', '=', Eval('pipeline', -1)),
            If(Eval('state').in_(OPEN_STATES),
                ('kind', 'in', ['open', 'lost']),
                ()),
            ],
        states={
            'required': Eval('pipeline', False),
            'readonly': Eval('state') == 'cancelled',
            })
    next_stage = fields.Function(
        fields.Many2One('crm.pipeline.stage', "Next Stage"),
        'get_next_stage')
    stage_date = fields.Timestamp(
        "Stage Date", readonly=True,
        help="When the opportunity entered its current stage.")
    days_in_stage = fields.Function(
        fields.Integer("Days in Stage"), 'get_days_in_stage')
    stale = fields.Function(
        fields.Boolean(
            "Stale",
            help="Open for longer than the stage's expected days."),
        'get_stale', searcher='search_stale')
    stage_history = fields.One2Many(
        'crm.opportunity.stage_history', 'opportunity', "Stage History",
        readonly=True)
    cycle_time = fields.Function(
        fields.TimeDelta(
            "Cycle Time",
            help="Time from creation to won or lost, from the stage "
            "history."),
        'get_cycle_time')
    lost_reason_category = fields.Many2One(
        'crm.lost_reason', "Lost Reason Category", ondelete='RESTRICT',
        states={
            'invisible': Eval('state') != 'lost',
            },
        help="The kind of reason the deal was lost for; the details go in "
        "the text of the reason for loss.")
    competitor = fields.Char(
        "Competitor",
        states={
            'invisible': Eval('state') != 'lost',
            },
        help="The competitor who won the deal.")
    crm_team = fields.Function(
        fields.Many2One('crm.team', "Team"),
        'get_crm_team', searcher='search_crm_team')

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        # Migration from loss_reason: named after stock's lost_reason text
        table_h.column_rename('loss_reason', 'lost_reason_category')
        super().__register__(module)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.employee, Index.Equality()),
                    (t.end_date, Index.Range())),
                Index(t, (t.stage, Index.Equality()),
                    (t.stage_date, Index.Range())),
                # The weighted pipeline of the forecast: an index-only scan
                # of the open opportunities expected to close in the months
                Index(t, (t.company, Index.Equality(cardinality='low')),
                    (t.end_date, Index.Range()),
                    include=[t.amount, t.stage, t.conversion_probability,
                        t.employee, t.pipeline],
                    where=t.state.in_(OPEN_STATES)),
                })
        cls.conversion_probability.states['readonly'] |= Eval(
            'stage', False)
        cls._buttons.update({
                'crm_next_stage': {
                    'invisible': (~Eval('state').in_(OPEN_STATES)
                        | ~Eval('next_stage')),
                    'depends': ['state', 'next_stage'],
                    },
                })

    @classmethod
    def default_pipeline(cls):
        Pipeline = Pool().get('crm.pipeline')
        pipeline = Pipeline.get_default(cls.default_company())
        return pipeline.id if pipeline else None

    @classmethod
    def default_stage(cls):
        Pipeline = Pool().get('crm.pipeline')
        pipeline = Pipeline.get_default(cls.default_company())
        if pipeline and (stage := pipeline.stage_of_kind('open')):
            return stage.id

    @fields.depends('pipeline', 'stage')
    def on_change_pipeline(self):
        if self.pipeline and (
                not self.stage or self.stage.pipeline != self.pipeline):
            self.stage = self.pipeline.stage_of_kind('open')

    @fields.depends('stage')
    def on_change_stage(self):
        if self.stage:
            self.conversion_probability = self.stage.probability

    def get_next_stage(self, name):
        if self.pipeline and self.stage:
            stage = self.pipeline.next_open_stage(self.stage)
            return stage.id if stage else None

    @classmethod
    @ModelView.button
    def crm_next_stage(cls, opportunities):
        "Move the opportunities to the next open stage of their pipeline"
        to_write = defaultdict(list)
        for opportunity in opportunities:
            if opportunity.state in OPEN_STATES and opportunity.next_stage:
                to_write[opportunity.next_stage.id].append(opportunity)
        cls._crm_move(to_write)

    @classmethod
    def _crm_move(cls, by_stage):
        "Write the stage ids of by_stage on their lists of opportunities"
        args = []
        for stage, records in by_stage.items():
            args.extend((records, {'stage': stage}))
        if args:
            cls.write(*args)

    def _crm_stage_state(self):
        """The stock state an open opportunity has in its stage: a lead in
        the first open stage of its pipeline, an opportunity after it"""
        if (self.state in {'lead', 'opportunity'}
                and self.stage and self.stage.kind == 'open'
                and self.pipeline):
            if self.stage == self.pipeline.stage_of_kind('open'):
                return 'lead'
            return 'opportunity'
        return self.state

    def get_days_in_stage(self, name=None, date=None):
        pool = Pool()
        Date = pool.get('ir.date')
        if not self.stage_date:
            return
        if date is None:
            with Transaction().set_context(company=self.company.id):
                date = Date.today()
        return (date - self.stage_date.date()).days

    def get_stale(self, name):
        return bool(
            self.state in OPEN_STATES
            and self.stage and self.stage.expected_days
            and self.days_in_stage is not None
            and self.days_in_stage > self.stage.expected_days)

    @classmethod
    def search_stale(cls, name, clause):
        pool = Pool()
        Date = pool.get('ir.date')
        _, operator, value = clause
        stale = cls._stale_domain(Date.today())
        if (operator == '=') == bool(value):
            return stale
        return [('id', 'not in', cls.search(stale, query=True))]

    @classmethod
    def _stale_domain(cls, today):
        "Domain of the opportunities stale on the date"
        pool = Pool()
        Stage = pool.get('crm.pipeline.stage')
        stale = ['OR']
        for stage in Stage.search([('expected_days', '!=', None)]):
            limit = datetime.datetime.combine(
                today - datetime.timedelta(days=stage.expected_days),
                datetime.time())
            stale.append([
                    ('stage', '=', stage.id),
                    ('stage_date', '<', limit),
                    ])
        if len(stale) == 1:
            stale = [('id', '=', -1)]
        return [('state', 'in', OPEN_STATES), stale]

    @classmethod
    def get_cycle_time(cls, opportunities, name):
        "Sum of the times spent in the stages before the won or lost stage"
        result = {}
        for opportunity in opportunities:
            result[opportunity.id] = None
            if opportunity.stage and opportunity.stage.kind in {'won', 'lost'}:
                result[opportunity.id] = sum(
                    (h.duration for h in opportunity.stage_history
                        if h.duration), datetime.timedelta())
        return result

    def get_crm_team(self, name):
        if self.party and getattr(self.party, 'crm_team', None):
            return self.party.crm_team.id
        if self.employee:
            teams = [t for t in self.employee.crm_teams if t.active]
            if teams:
                return teams[0].id

    @classmethod
    def search_crm_team(cls, name, clause):
        _, operator, value = clause[:3]
        nested = clause[0][len(name):]
        return ['OR',
            ('party.crm_team' + nested, *clause[1:]),
            ('employee.crm_teams' + nested, *clause[1:]),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Stage = pool.get('crm.pipeline.stage')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            if not values.get('stage') and 'pipeline' not in values:
                values['pipeline'] = cls.default_pipeline()
                values['stage'] = cls.default_stage()
            if values.get('stage'):
                stage = Stage(values['stage'])
                values.setdefault('pipeline', stage.pipeline.id)
                values['conversion_probability'] = stage.probability
                values.setdefault('stage_date', now())
                if (values.get('state', 'lead') == 'lead'
                        and stage.kind == 'open'
                        and stage != stage.pipeline.stage_of_kind('open')):
                    values['state'] = 'opportunity'
        return values

    @classmethod
    def create(cls, vlist):
        opportunities = super().create(vlist)
        cls._crm_record_stages(
            [(o, None, None, o.stage_date) for o in opportunities if o.stage])
        return opportunities

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Stage = pool.get('crm.pipeline.stage')
        actions = iter(args)
        new_args, changes = [], []
        date = now()
        for records, values in zip(actions, actions):
            if 'stage' not in values:
                new_args.extend((records, values))
                continue
            moved = [r for r in records
                if (r.stage.id if r.stage else None) != values['stage']]
            kept = [r for r in records if r not in moved]
            if kept:
                other = {k: v for k, v in values.items() if k != 'stage'}
                if other:
                    new_args.extend((kept, other))
            if moved:
                values = values.copy()
                if values['stage']:
                    stage = Stage(values['stage'])
                    values['conversion_probability'] = stage.probability
                    values.setdefault('pipeline', stage.pipeline.id)
                # A stage_date given with the stage says when it was
                # entered (deals imported with their history)
                if not values.get('stage_date'):
                    values['stage_date'] = date
                new_args.extend((moved, values))
                changes.extend(
                    (r, r.stage, r.stage_date, values['stage_date'])
                    for r in moved)
        if new_args:
            super().write(*new_args)
        if changes:
            cls._crm_record_stages(changes)
            cls._crm_sync_state([r for r, *_ in changes])

    @classmethod
    def _crm_record_stages(cls, changes):
        """Log the stage changes given as (opportunity, previous stage,
        previous stage date, date entered) and call _crm_stage_entered"""
        pool = Pool()
        History = pool.get('crm.opportunity.stage_history')
        if not changes:
            return
        user = Transaction().user or None
        history = []
        for opportunity, from_stage, from_date, entered in changes:
            history.append(History(
                    opportunity=opportunity,
                    from_stage=from_stage,
                    to_stage=opportunity.stage,
                    date=entered,
                    user=user,
                    duration=(entered - from_date
                        if from_stage and from_date else None)))
        with without_check_access():
            History.save(history)
        entered = [o for o, *_ in changes if o.stage]
        if entered:
            cls._crm_stage_entered(group_by_stage(cls.browse(entered)))

    @classmethod
    def _crm_stage_entered(cls, opportunities_by_stage):
        """Called after opportunities entered a stage, with a dictionary of
        stage to opportunities; extend it to automate on stage changes."""

    @classmethod
    def _crm_sync_state(cls, opportunities):
        "Drive the workflow from the stage the opportunities moved to"
        opportunities = cls.browse(opportunities)
        lost, reopen, leads, qualified = [], [], [], []
        for opportunity in opportunities:
            if not opportunity.stage:
                continue
            kind = opportunity.stage.kind
            if kind == 'won' and opportunity.state != 'won':
                raise AccessError(gettext(
                        'crm_plus.msg_sales_stage_won_sale',
                        opportunity=opportunity.rec_name,
                        stage=opportunity.stage.rec_name))
            elif kind == 'lost' and opportunity.state in OPEN_STATES:
                lost.append(opportunity)
            elif kind == 'open' and opportunity.state == 'lost':
                reopen.append(opportunity)
            elif opportunity._crm_stage_state() != opportunity.state:
                if opportunity._crm_stage_state() == 'lead':
                    leads.append(opportunity)
                else:
                    qualified.append(opportunity)
        if lost:
            cls.lost(lost)
        if reopen:
            cls.lead(reopen)
            qualified.extend(
                o for o in cls.browse(reopen)
                if o._crm_stage_state() == 'opportunity')
        if leads:
            cls.lead(leads)
        if qualified:
            cls.opportunity(qualified)

    @classmethod
    def _crm_sync_stage(cls, opportunities, kind):
        "Move the opportunities to the stage of the kind of their pipeline"
        to_write = defaultdict(list)
        for opportunity in cls.browse(opportunities):
            if not opportunity.pipeline:
                continue
            if opportunity.stage and opportunity.stage.kind == kind:
                continue
            stage = opportunity.pipeline.stage_of_kind(kind)
            if stage:
                to_write[stage.id].append(opportunity)
        cls._crm_move(to_write)

    @classmethod
    def won(cls, opportunities):
        super().won(opportunities)
        cls._crm_sync_stage(
            [o for o in opportunities if o.state == 'won'], 'won')

    @classmethod
    def lost(cls, opportunities):
        super().lost(opportunities)
        cls._crm_sync_stage(
            [o for o in opportunities if o.state == 'lost'], 'lost')

    @classmethod
    def lead(cls, opportunities):
        # An opportunity sent back to lead goes back to the first open stage;
        # a reopened lost one stays in the open stage it was moved to
        demoted = [
            o for o in cls.browse(opportunities) if o.state == 'opportunity']
        super().lead(opportunities)
        cls._crm_sync_stage(
            [o for o in opportunities if o.stage and o.stage.kind != 'open'],
            'open')
        to_write = defaultdict(list)
        for opportunity in cls.browse(demoted):
            if (opportunity.state == 'lead'
                    and opportunity._crm_stage_state() != 'lead'):
                first = opportunity.pipeline.stage_of_kind('open')
                to_write[first.id].append(opportunity)
        cls._crm_move(to_write)

    @classmethod
    def opportunity(cls, opportunities):
        super().opportunity(opportunities)
        # An opportunity is past the first open stage
        cls.crm_next_stage(
            [o for o in cls.browse(opportunities)
                if o._crm_stage_state() == 'lead'])

    @classmethod
    def convert(cls, opportunities):
        result = super().convert(opportunities)
        # A sale back in quotation reopens a won opportunity
        cls._crm_sync_stage(
            [o for o in opportunities
                if o.state == 'converted' and o.stage
                and o.stage.kind != 'open'], 'open')
        return result

    @classmethod
    def copy(cls, opportunities, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('stage_history')
        default.setdefault('stage_date')
        default.setdefault('lost_reason_category')
        default.setdefault('competitor')
        return super().copy(opportunities, default=default)

    @classmethod
    def crm_notify_stale(cls, date=None):
        "Notify the owners and managers of stale opportunities"
        pool = Pool()
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        with without_check_access():
            opportunities = cls.search(
                cls._stale_domain(date), order=[('id', 'ASC')])
        return notify_stale(opportunities, date)


class StageReport(ReadOnlyQueryMixin, ModelSQL, ModelView):
    "Opportunities per pipeline stage"
    __name__ = 'crm.pipeline.stage.report'
    __string__ = "Pipeline Stage Report"
    stage = fields.Many2One('crm.pipeline.stage', "Stage")
    pipeline = fields.Many2One('crm.pipeline', "Pipeline")
    sequence = fields.Integer("Sequence")
    kind = fields.Selection('get_kinds', "Kind")
    company = fields.Many2One('company.company', "Company")
    number = fields.Integer("Number")
    amount = Monetary(
        "Amount", currency='currency', digits='currency')
    weighted_amount = Monetary(
        "Weighted Amount", currency='currency', digits='currency',
        help="Amount multiplied by the stage probability.")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('pipeline', 'ASC'), ('sequence', 'ASC NULLS FIRST'),
            ('id', 'ASC')]

    @classmethod
    def get_kinds(cls):
        Stage = Pool().get('crm.pipeline.stage')
        return Stage.fields_get(['kind'])['kind']['selection']

    @classmethod
    def table_query(cls):
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Stage = pool.get('crm.pipeline.stage')
        Team = pool.get('crm.team')
        context = Transaction().context
        opportunity = Opportunity.__table__()
        stage = Stage.__table__()
        where = opportunity.company == context.get('company')
        where &= opportunity.state != 'cancelled'
        if context.get('pipeline'):
            where &= opportunity.pipeline == context['pipeline']
        employees = []
        if context.get('owner'):
            employees = [context['owner']]
        if context.get('team'):
            team = Team(context['team'])
            members = {m.id for m in team.members}
            if team.manager:
                members.add(team.manager.id)
            employees = (
                [e for e in employees if e in members] if employees
                else list(members))
            if not employees:
                employees = [-1]
        allowed = restricted_employees()
        if allowed is not None:
            employees = (
                [e for e in employees if e in allowed] if employees
                else list(allowed)) or [-1]
        if employees:
            where &= opportunity.employee.in_(employees)
        if context.get('from_date'):
            where &= opportunity.end_date >= context['from_date']
        if context.get('to_date'):
            where &= opportunity.end_date <= context['to_date']
        numeric = Opportunity.amount.sql_type().base
        amount = Coalesce(opportunity.amount, 0)
        return opportunity.join(
            stage, condition=opportunity.stage == stage.id).select(
            stage.id.as_('id'),
            stage.id.as_('stage'),
            stage.pipeline.as_('pipeline'),
            stage.sequence.as_('sequence'),
            stage.kind.as_('kind'),
            opportunity.company.as_('company'),
            Count(opportunity.id).as_('number'),
            Sum(amount).as_('amount'),
            Sum(Cast(amount * stage.probability, numeric)).as_(
                'weighted_amount'),
            where=where,
            group_by=[
                stage.id, stage.pipeline, stage.sequence, stage.kind,
                opportunity.company])

    def get_currency(self, name):
        return self.company.currency.id if self.company else None

    def get_rec_name(self, name):
        return self.stage.rec_name if self.stage else ''


class StageReportContext(SalesFilterContextMixin, ModelView):
    __name__ = 'crm.pipeline.stage.report.context'
    __string__ = "Pipeline Report Context"

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.from_date.help = "On the expected closing date."

    @classmethod
    def default_pipeline(cls):
        return Transaction().context.get('pipeline')

    @classmethod
    def default_team(cls):
        return Transaction().context.get('team')

    @classmethod
    def default_from_date(cls):
        return Transaction().context.get('from_date')

    @classmethod
    def default_to_date(cls):
        return Transaction().context.get('to_date')
