"""Configurable sales pipelines, their stages and the reasons deals are lost.

The stage history of opportunities and the log of stale-deal notices live
here too, with the daily cron that sends those notices.
"""
import json
from collections import defaultdict

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields,
    sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from ..text_input import TextInputMixin


class Pipeline(TextInputMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'crm.pipeline'
    __string__ = "Sales Pipeline"
    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One(
        'company.company', "Company",
        help="Leave empty to share the pipeline between companies.")
    team = fields.Many2One(
        'crm.team', "Team",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'invisible': ~Eval('company'),
            },
        help="The sales team using this pipeline, if it is team specific.")
    default = fields.Boolean(
        "Default", help="Use this pipeline for new opportunities.")
    stages = fields.One2Many('crm.pipeline.stage', 'pipeline', "Stages")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('default', 'DESC'))
        cls._order.insert(1, ('name', 'ASC'))

    @classmethod
    def get_default(cls, company=None):
        "Return the default pipeline of the company (or a shared one)"
        if company is None:
            company = Transaction().context.get('company')
        pipelines = cls.search([
                ('company', 'in', [company, None]),
                ], order=[('default', 'DESC'), ('company', 'ASC NULLS LAST'),
                ('id', 'ASC')], limit=1)
        if pipelines:
            return pipelines[0]

    def stage_of_kind(self, kind):
        "Return the first stage of the kind ('open', 'won' or 'lost')"
        for stage in self.stages:
            if stage.kind == kind:
                return stage

    def next_open_stage(self, stage):
        "Return the open stage following the stage in sequence, if any"
        stages = [s for s in self.stages if s.kind == 'open']
        if stage in stages:
            following = stages[stages.index(stage) + 1:]
            if following:
                return following[0]


class PipelineStage(
        TextInputMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'crm.pipeline.stage'
    __string__ = "Pipeline Stage"
    # Lists ordered by stage follow the pipeline, not the names
    _order_name = 'sequence'
    pipeline = fields.Many2One(
        'crm.pipeline', "Pipeline", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    probability = fields.Float(
        "Probability", digits=(1, 4), required=True,
        domain=[
            ('probability', '>=', 0),
            ('probability', '<=', 1),
            ],
        help="Conversion probability of the opportunities in this stage.")
    kind = fields.Selection([
            ('open', "Open"),
            ('won', "Won"),
            ('lost', "Lost"),
            ], "Kind", required=True, sort=False,
        help="Won and lost stages close the opportunity.")
    expected_days = fields.Integer(
        "Expected Days",
        domain=['OR',
            ('expected_days', '=', None),
            ('expected_days', '>', 0),
            ],
        states={
            'invisible': Eval('kind') != 'open',
            },
        help="Days an opportunity is expected to stay in this stage; "
        "after that it is stale and its owner is notified.")
    escalation_days = fields.Integer(
        "Escalation Days",
        domain=['OR',
            ('escalation_days', '=', None),
            ('escalation_days', '>', 0),
            ],
        states={
            'invisible': (Eval('kind') != 'open') | ~Eval('expected_days'),
            },
        help="Days after which the owner's manager is notified too.\n"
        "Leave empty for twice the expected days.")
    fold = fields.Boolean(
        "Folded", help="Hide the stage when it has no opportunity.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('pipeline')

    @classmethod
    def default_probability(cls):
        return 0.0

    @classmethod
    def default_kind(cls):
        return 'open'

    @property
    def escalation_threshold(self):
        "Days in stage after which the manager is notified"
        if self.escalation_days:
            return self.escalation_days
        if self.expected_days:
            return self.expected_days * 2


class LostReason(
        TextInputMixin, DeactivableMixin, sequence_ordered(), ModelSQL,
        ModelView):
    __name__ = 'crm.lost_reason'
    __string__ = "Lost Reason"
    name = fields.Char("Name", required=True, translate=True)


class StageHistory(ModelSQL, ModelView):
    __name__ = 'crm.opportunity.stage_history'
    __string__ = "Opportunity Stage History"
    opportunity = fields.Many2One(
        'sale.opportunity', "Opportunity", required=True,
        ondelete='CASCADE')
    from_stage = fields.Many2One(
        'crm.pipeline.stage', "From Stage", ondelete='RESTRICT')
    to_stage = fields.Many2One(
        'crm.pipeline.stage', "To Stage", ondelete='RESTRICT')
    date = fields.Timestamp("Date", required=True)
    user = fields.Many2One('res.user', "User")
    duration = fields.TimeDelta(
        "Duration", help="Time spent in the previous stage.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Own record rules (security.xml): the widest rights of an
        # __access__ target would make the history writable
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.opportunity, Index.Equality()),
                (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]


class StaleNotice(ModelSQL, ModelView):
    "A notice sent once per stage entry and level"
    __name__ = 'crm.opportunity.stale_notice'
    __string__ = "Stale Opportunity Notice"
    opportunity = fields.Many2One(
        'sale.opportunity', "Opportunity", required=True,
        ondelete='CASCADE')
    entry = fields.Many2One(
        'crm.opportunity.stage_history', "Stage Entry", required=True,
        ondelete='CASCADE',
        help="The stage change that started the period the notice is for.")
    stage = fields.Function(
        fields.Many2One('crm.pipeline.stage', "Stage"), 'get_stage')
    level = fields.Selection([
            ('owner', "Owner"),
            ('manager', "Manager"),
            ], "Level", required=True)
    date = fields.Date("Date", required=True)
    users = fields.Many2Many(
        'crm.opportunity.stale_notice-res.user', 'notice', 'user',
        "Notified Users")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Own record rules (security.xml): the widest rights of an
        # __access__ target would make the history writable
        t = cls.__table__()
        cls._sql_constraints += [
            ('entry_level_unique',
                Unique(t, t.entry, t.level),
                'crm_plus.msg_sales_stale_notice_unique'),
            ]

    def get_stage(self, name):
        return self.entry.to_stage.id if self.entry.to_stage else None


class StaleNoticeUser(ModelSQL):
    __name__ = 'crm.opportunity.stale_notice-res.user'
    __string__ = "Stale Opportunity Notice - User"
    notice = fields.Many2One(
        'crm.opportunity.stale_notice', "Notice", required=True,
        ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')


def owner_users(employee):
    "Active users acting as the employee"
    User = Pool().get('res.user')
    if not employee:
        return []
    return User.search([('employees', '=', employee.id)])


def manager_users(employee):
    """Users of the employee's supervisor, otherwise of the managers of the
    employee's sales teams"""
    if not employee:
        return []
    managers = []
    if employee.supervisor:
        managers = [employee.supervisor]
    else:
        managers = [
            t.manager for t in employee.crm_teams
            if t.active and t.manager and t.manager != employee]
    users = []
    for manager in managers:
        users.extend(u for u in owner_users(manager) if u not in users)
    return users


def notify_stale(opportunities, date):
    """Notify the owners of the stale opportunities and, past the escalation
    threshold, their managers, once per stage entry and level"""
    pool = Pool()
    Notice = pool.get('crm.opportunity.stale_notice')
    Notification = pool.get('res.notification')
    ModelData = pool.get('ir.model.data')
    History = pool.get('crm.opportunity.stage_history')
    if not opportunities:
        return []
    entries, sent = {}, set()
    for sub in grouped_slice(opportunities, backend.MAX_QUERY_PARAMS):
        ids = [o.id for o in sub]
        # The latest entry in the current stage of each opportunity
        for entry in History.search([
                    ('opportunity', 'in', ids),
                    ], order=[('date', 'ASC'), ('id', 'ASC')]):
            entries[entry.opportunity.id] = entry
        for notice in Notice.search([('opportunity', 'in', ids)]):
            sent.add((notice.entry.id, notice.level))
    action_id = ModelData.get_id('crm_plus', 'act_pipeline')
    notices, notifications = [], []
    for opportunity in opportunities:
        stage = opportunity.stage
        entry = entries.get(opportunity.id)
        if not entry or entry.to_stage != stage:
            continue
        days = opportunity.get_days_in_stage(date=date)
        levels = []
        if stage.expected_days and days > stage.expected_days:
            levels.append('owner')
        if (stage.escalation_threshold
                and days > stage.escalation_threshold):
            levels.append('manager')
        for level in levels:
            if (entry.id, level) in sent:
                continue
            if level == 'owner':
                users = owner_users(opportunity.employee)
                message = 'crm_plus.msg_sales_stale_owner'
            else:
                users = manager_users(opportunity.employee)
                message = 'crm_plus.msg_sales_stale_manager'
            for user in users:
                language = user.language.code if user.language else None
                with Transaction().set_context(language=language):
                    label = gettext('crm_plus.msg_sales_stale_label')
                    description = gettext(
                        message, opportunity=opportunity.rec_name,
                        stage=opportunity.stage.rec_name, days=days,
                        employee=(opportunity.employee.rec_name
                            if opportunity.employee else ''))
                notifications.append(Notification(
                        user=user, label=label, description=description,
                        icon='tryton-warning',
                        model='sale.opportunity',
                        records=json.dumps([opportunity.id]),
                        action=action_id,
                        ))
            notices.append(Notice(
                    opportunity=opportunity, entry=entry, level=level,
                    date=date, users=users))
    with without_check_access():
        Notification.save(notifications)
        Notice.save(notices)
    return notices


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('sale.opportunity|crm_notify_stale',
                "Notify Stale Opportunities"))


def group_by_stage(opportunities):
    result = defaultdict(list)
    for opportunity in opportunities:
        result[opportunity.stage].append(opportunity)
    return result


def restricted_employees():
    """Employee ids the user's aggregated figures are limited to, or None

    Sales managers and CRM administrators see every employee; other users
    only their own employees."""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    if not Transaction().user:
        return None
    groups = set(User.get_groups())
    for xml_id in ['group_sales_manager', 'group_crm_admin']:
        if ModelData.get_id('crm_plus', xml_id) in groups:
            return None
    return set(User.get_employees())


class SalesFilterContextMixin:
    """The filters shared by the context models of the sales reports:
    company, pipeline, sales team, owner and a date range"""
    __slots__ = ()
    company = fields.Many2One('company.company', "Company", required=True)
    pipeline = fields.Many2One(
        'crm.pipeline', "Pipeline",
        domain=[('company', 'in', [Eval('company', -1), None])])
    team = fields.Many2One(
        'crm.team', "Team", domain=[('company', '=', Eval('company', -1))])
    # not "employee": the session context of sao always holds the user's own
    # employee, and the record rules read it
    owner = fields.Many2One(
        'company.employee', "Employee",
        domain=[('company', '=', Eval('company', -1))])
    from_date = fields.Date(
        "From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date(
        "To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')
