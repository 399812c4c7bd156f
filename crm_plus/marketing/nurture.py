"""Lead nurturing on the stock marketing_automation scenarios.

A scenario on ``crm.lead`` (its domain picks the leads, e.g. new leads of a
source) runs a tree of activities: send an e-mail, wait (the delay), branch
on the e-mail being opened or clicked or not (the stock events) or on the
lead itself (the stock PYSON condition, e.g. its score), and notify the
lead's owner (the action added here: a notification and, for a lead with a
customer, a follow-up).
"""
import datetime
import json
import logging

from genshi.template import TextTemplate
from genshi.template import TemplateError as GenshiTemplateError

from trytond.i18n import gettext
from trytond.model import ModelView, dualmethod, fields
from trytond.modules.marketing_automation.exceptions import TemplateError
from trytond.modules.marketing_automation.mixin import (
    MarketingAutomationMixin)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools.email_ import format_address
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

# The action opening the record of a notification, per model
OWNER_ACTIONS = {
    'crm.lead': 'crm_plus.act_lead',
    'party.party': 'party.act_party_form',
    'sale.sale': 'sale.act_sale_form',
    }


class Lead(MarketingAutomationMixin, metaclass=PoolMeta):
    __name__ = 'crm.lead'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.marketing_party.context = {'company': Eval('company', -1)}
        cls.marketing_party.depends = cls.marketing_party.depends | {
            'company'}

    def get_marketing_party(self, name):
        # A lead is mailed at its own address: a customer only once converted
        return self.party.id if self.party else None

    @classmethod
    def search_marketing_party(cls, name, clause):
        _, operator, operand, *extra = clause
        nested = clause[0][len(name):]
        domain = ('party' + nested, operator, operand, *extra)
        if (nested == '.marketing_scenario_unsubscribed'
                and operator == 'not where'):
            # The scenarios' own filter: a lead without customer has not
            # unsubscribed (its records are blocked instead)
            return ['OR', ('party', '=', None), domain]
        return [domain]

    @property
    def marketing_access_context(self):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        context = super().marketing_access_context
        context.setdefault('_groups', []).append(
            ModelData.get_id('crm_plus', 'group_marketing'))
        context.setdefault('_companies', []).append(self.company.id)
        return context


class Activity(metaclass=PoolMeta):
    __name__ = 'marketing.automation.activity'

    notify_description = fields.Text(
        "Notice", translate=True,
        states={
            'invisible': Eval('action') != 'notify_owner',
            'required': Eval('action') == 'notify_owner',
            },
        help="The text of the notification: a Genshi text template "
        "with the record as ${record}, e.g. ${record.name}.")
    notify_follow_up_days = fields.Integer(
        "Follow-up in Days",
        domain=['OR',
            ('notify_follow_up_days', '=', None),
            ('notify_follow_up_days', '>=', 0),
            ],
        states={
            'invisible': Eval('action') != 'notify_owner',
            },
        help="Also create a follow-up due that many days later for the "
        "owner when the record has a customer.\n"
        "Leave empty for a notification only.")
    notify_user = fields.Many2One(
        'res.user', "Fallback User", ondelete='SET NULL',
        states={
            'invisible': Eval('action') != 'notify_owner',
            },
        help="Notified instead when the record has no owner with a user.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection.append(('notify_owner', "Notify Owner"))

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('//group[@id="notify_owner"]', 'states', {
                    'invisible': Eval('action') != 'notify_owner',
                    }),
            ]

    @classmethod
    def validate_fields(cls, activities, field_names):
        super().validate_fields(activities, field_names)
        if field_names is None or 'notify_description' in field_names:
            for activity in activities:
                if not activity.notify_description:
                    continue
                try:
                    TextTemplate(activity.notify_description)
                except GenshiTemplateError as exception:
                    raise TemplateError(gettext(
                            'crm_plus.msg_nurture_invalid_notice',
                            activity=activity.rec_name,
                            exception=exception)) from exception

    @classmethod
    def _owner_employee(cls, record):
        "The employee owning the record of a scenario"
        if record.__name__ == 'crm.lead':
            return record.owner
        party = record.marketing_party
        return getattr(party, 'crm_owner', None) if party else None

    @classmethod
    def _owner_users(cls, record):
        User = Pool().get('res.user')
        employee = cls._owner_employee(record)
        if not employee:
            return []
        return User.search([
                ('employees', '=', employee.id),
                ], order=[('id', 'ASC')])

    def execute_send_email(self, record_activity, **kwargs):
        """Not to a customer without a granted e-mail consent, as the
        campaigns (a lead without customer was mailed at its request)"""
        Consent = Pool().get('crm.consent')
        party = record_activity.record.record.marketing_party
        if party and party.id not in Consent.granted([party], 'email'):
            logger.info("nurture e-mail %s not sent to %s: no consent",
                self.id, party.id)
            return
        return super().execute_send_email(record_activity, **kwargs)

    def _email_recipient(self, record):
        # A lead is written to at its own address, else its customer's
        if record.__name__ == 'crm.lead' and record.email:
            return format_address(record.email, record.name)
        if not record.marketing_party:
            return None
        return super()._email_recipient(record)

    def _render_notice(self, record):
        context = self.email_context(record)
        try:
            return (TextTemplate(self.notify_description or '')
                .generate(**context)
                .render()).strip()
        except GenshiTemplateError as exception:
            raise TemplateError(gettext(
                    'crm_plus.msg_nurture_invalid_notice',
                    activity=self.rec_name,
                    exception=exception)) from exception

    def execute_notify_owner(self, record_activity, **kwargs):
        pool = Pool()
        Notification = pool.get('res.notification')
        FollowUp = pool.get('crm.follow_up')
        ModelData = pool.get('ir.model.data')
        ActWindow = pool.get('ir.action.act_window')
        Date = pool.get('ir.date')
        record = record_activity.record
        target = record.record
        users = self._owner_users(target)
        if not users and self.notify_user and self.notify_user.active:
            users = [self.notify_user]
        if not users:
            logger.info(
                "No owner to notify of %s (activity %d)", target, self.id)
            return
        with Transaction().set_context(language=record.language):
            translated = self.__class__(self.id)
        text = translated._render_notice(record)

        action_id = None
        if target.__name__ in OWNER_ACTIONS:
            module, fs_id = OWNER_ACTIONS[target.__name__].split('.')
            action_id = ActWindow(ModelData.get_id(module, fs_id)).action.id
        Notification.save([Notification(
                    user=user,
                    label=self.name,
                    description=text,
                    icon='tryton-notification',
                    model=target.__name__,
                    records=json.dumps([target.id]),
                    action=action_id)
                for user in users])

        party = target.marketing_party
        if self.notify_follow_up_days is not None and party:
            company = getattr(target, 'company', None)
            with Transaction().set_context(
                    company=company.id if company else None):
                today = Date.today()
            origin = target if target.__name__ in dict(
                FollowUp.get_origin()) else None
            FollowUp.save([FollowUp(
                        company=company,
                        party=party,
                        origin=origin,
                        description=(text.splitlines() or [self.name])[0][
                            :255],
                        due_date=today + datetime.timedelta(
                            days=self.notify_follow_up_days),
                        user=users[0])])


class Record(metaclass=PoolMeta):
    __name__ = 'marketing.automation.record'

    @property
    def language(self):
        if self.record and not self.record.marketing_party:
            # A lead without customer: the default language
            return None
        return super().language

    @dualmethod
    @ModelView.button
    def block(cls, records):
        # Stock unsubscribes the party of the record from the scenario: a
        # lead without customer has none, blocking its record is all
        orphans = [r for r in records
            if r.record and not r.record.marketing_party]
        if orphans:
            cls.write(orphans, {'blocked': True})
        others = [r for r in records if r not in orphans]
        if others:
            super().block(others)


def demo(loader):
    """The demo's nurturing sequence (draft: nothing is sent until a
    marketer runs it): a welcome to the new trade-show leads, their owner
    told of an opener, a reminder after three days to the others"""
    from proteus import Model
    from trytond.pyson import PYSONEncoder

    Scenario = Model.get('marketing.automation.scenario')
    Activity = Model.get('marketing.automation.activity')
    trade_show = loader.ref('crm_plus.source_trade_show')
    scenario = Scenario(name="展会新线索培育", model='crm.lead')
    scenario.domain = PYSONEncoder().encode([
            ('state', '=', 'new'), ('source', '=', trade_show)])
    scenario.save()
    welcome = Activity(
        name="欢迎邮件", parent=scenario, action='send_email',
        email_title="${record.name}，感谢您在展会上关注华信机械")
    welcome.email_template = (
        '<html><body><p>${record.name}您好：</p>'
        '<p>感谢您莅临展位。新品目录请见'
        '<a href="https://www.huaxin-machinery.example.com/catalog">'
        '这里</a>。</p>'
        '<p><a href="unsubscribe">退订</a></p></body></html>')
    welcome.save()
    opened = Activity(
        name="已读：通知销售", parent=welcome, on='email_opened',
        action='notify_owner', notify_follow_up_days=1)
    opened.notify_description = "${record.name} 打开了展会欢迎邮件，请尽快联系。"
    opened.save()
    reminder = Activity(
        name="未读：三天后提醒", parent=welcome, on='email_opened_not',
        delay=datetime.timedelta(days=3), action='send_email',
        email_title="华信机械新品目录")
    reminder.email_template = (
        '<html><body><p>${record.name}您好，新品目录已更新，欢迎垂询。</p>'
        '<p><a href="unsubscribe">退订</a></p></body></html>')
    reminder.save()
