"""Automation rules run when an opportunity enters a pipeline stage.

A rule (stage + optional domain condition) has ordered actions. When
opportunities enter the stage, one ``crm.automation.log`` per action and
stage entry is created (unique key) and processed by an ``ir.queue`` task,
so a rule fires once per stage entry and a retried task never repeats an
action that is done. Failed actions stay in error with the reason and are
retried by a cron job (or the Retry button).
"""
import datetime
import json
import logging
import mimetypes
from collections import defaultdict
from email.message import EmailMessage

from genshi.template import TextTemplate

import trytond.config as config
from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields,
    sequence_ordered)
from trytond.model.exceptions import ValidationError
from trytond.exceptions import UserError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, PYSONDecoder
from trytond.sendmail import SMTPDataManager, get_smtp_server, send_message
from trytond.tools import grouped_slice
from trytond.tools.email_ import set_from_header
from trytond.transaction import (
    Transaction, TransactionError, without_check_access)

from ..text_input import TextInputMixin

logger = logging.getLogger(__name__)


class AutomationError(UserError):
    pass


class ConditionError(ValidationError):
    pass


def render(text, **values):
    "Render a Genshi text template as ir.email.template does"
    return TextTemplate(text).generate(**values).render()


class EmailDataManager(SMTPDataManager):
    """Send the automation e-mails when the transaction commits

    The SMTP connection is opened by ``connect`` when the e-mail is
    prepared, so that an unreachable server fails the action (recorded on
    the log and retried later) rather than the commit. The messages go out
    only after the database commit: a transaction that fails after the
    e-mail was prepared sends nothing and its retry sends it once.
    A message that cannot be sent after the commit puts its log back in
    error (in a new transaction) so that it is retried."""

    def __init__(self, uri=None):
        super().__init__(uri=uri, strict=True)
        # (log id, ir.email id, interaction id) of each queued message
        self.undo = []

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self.uri == other.uri

    def connect(self):
        if self._server is None:
            self._server = get_smtp_server(self.uri, strict=True)

    def put(self, from_addr, to_addrs, msg, undo):
        super().put(from_addr, to_addrs, msg)
        self.undo.append(undo)

    def tpc_vote(self, trans):
        # Fails the commit if the server went away since connect
        if not self.queue:
            return
        if self._server is not None:
            try:
                self._server.noop()
            except Exception:
                self._server = None
        self.connect()

    def tpc_finish(self, trans):
        failures = []
        try:
            for (from_addr, to_addrs, msg), undo in zip(
                    self.queue, self.undo):
                try:
                    self._server = send_message(
                        msg, from_addr, to_addrs, server=self._server,
                        strict=True)
                except Exception as exception:
                    logger.error(
                        "fail to send automation e-mail", exc_info=True)
                    failures.append((undo, exception))
            if self._server is not None:
                try:
                    self._server.quit()
                except Exception:
                    pass
        finally:
            self._finish()
        if failures:
            self._failed(trans, failures)

    def _finish(self):
        super()._finish()
        self.undo = []

    @staticmethod
    def _failed(trans, failures):
        "Put the logs of the unsent e-mails back in error to retry them"
        pool = Pool()
        Log = pool.get('crm.automation.log')
        Email = pool.get('ir.email')
        Interaction = pool.get('crm.interaction')
        try:
            with trans.new_transaction():
                for (log_id, email_id, interaction_id), exception in failures:
                    Interaction.delete(Interaction.browse([interaction_id]))
                    Email.delete(Email.browse([email_id]))
                    log = Log(log_id)
                    log.state = 'error'
                    log.error = str(exception) or repr(exception)
                    log.result = None
                    log.save()
        except Exception:
            logger.critical(
                "fail to record unsent automation e-mails %s",
                [u for u, _ in failures], exc_info=True)


class Rule(
        TextInputMixin, DeactivableMixin, sequence_ordered(), ModelSQL,
        ModelView):
    __name__ = 'crm.automation.rule'
    __string__ = "Automation Rule"

    name = fields.Char("Name", required=True)
    stage = fields.Many2One(
        'crm.pipeline.stage', "Stage", required=True, ondelete='CASCADE',
        help="The rule runs when an opportunity enters this stage.")
    pipeline = fields.Function(
        fields.Many2One('crm.pipeline', "Pipeline"),
        'on_change_with_pipeline', searcher='search_pipeline')
    condition = fields.Char(
        "Condition",
        help="A domain the opportunity must match, "
        'e.g. [["amount", ">=", 10000]].')
    actions = fields.One2Many(
        'crm.automation.action', 'rule', "Actions")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.stage, Index.Equality())))

    @fields.depends('stage')
    def on_change_with_pipeline(self, name=None):
        return self.stage.pipeline if self.stage else None

    @classmethod
    def search_pipeline(cls, name, clause):
        return [('stage.pipeline' + clause[0][len(name):], *clause[1:])]

    @classmethod
    def validate_fields(cls, rules, field_names):
        super().validate_fields(rules, field_names)
        if field_names is None or 'condition' in field_names:
            cls.check_condition(rules)

    @classmethod
    def check_condition(cls, rules):
        Opportunity = Pool().get('sale.opportunity')
        for rule in rules:
            if not rule.condition:
                continue
            try:
                domain = rule.get_condition()
                if not isinstance(domain, list):
                    raise ValueError(domain)
                Opportunity.search([('id', '=', -1), domain], limit=1)
            except Exception as exception:
                raise ConditionError(gettext(
                        'crm_plus.msg_sales_automation_invalid_condition',
                        rule=rule.rec_name,
                        exception=exception)) from exception

    def get_condition(self):
        if self.condition:
            return PYSONDecoder({}).decode(self.condition)
        return []

    def filter_opportunities(self, opportunities):
        "The opportunities matching the condition"
        Opportunity = Pool().get('sale.opportunity')
        if not self.condition or not opportunities:
            return list(opportunities)
        matching = set()
        for sub_ids in grouped_slice(
                [o.id for o in opportunities],
                backend.MAX_QUERY_PARAMS):
            matching.update(map(int, Opportunity.search([
                            ('id', 'in', list(sub_ids)),
                            self.get_condition(),
                            ], order=[])))
        return [o for o in opportunities if o.id in matching]

    @classmethod
    def stage_entered(cls, opportunities_by_stage):
        "Create the logs of the matching rules and queue their processing"
        pool = Pool()
        History = pool.get('crm.opportunity.stage_history')
        Log = pool.get('crm.automation.log')
        stages = [s for s in opportunities_by_stage if s]
        if not stages:
            return []
        rules = cls.search([
                ('stage', 'in', [s.id for s in stages]),
                ], order=[('sequence', 'ASC NULLS FIRST'), ('id', 'ASC')])
        to_create = []
        for rule in rules:
            if not rule.actions:
                continue
            opportunities = rule.filter_opportunities(
                opportunities_by_stage[rule.stage])
            if not opportunities:
                continue
            # The entry just recorded is the newest into the stage
            entries = {}
            for entry in History.search([
                        ('opportunity', 'in', [o.id for o in opportunities]),
                        ('to_stage', '=', rule.stage.id),
                        ], order=[('date', 'ASC'), ('id', 'ASC')]):
                entries[entry.opportunity.id] = entry
            existing = {
                (l.action.id, l.stage_entry.id) for l in Log.search([
                        ('rule', '=', rule.id),
                        ('stage_entry', 'in', [
                                e.id for e in entries.values()]),
                        ])}
            for opportunity in opportunities:
                entry = entries.get(opportunity.id)
                if not entry:
                    continue
                for action in rule.actions:
                    if (action.id, entry.id) in existing:
                        continue
                    to_create.append({
                            'rule': rule.id,
                            'action': action.id,
                            'opportunity': opportunity.id,
                            'stage_entry': entry.id,
                            })
        # The log is the server's record of the automation, not the user's
        with without_check_access():
            logs = Log.create(to_create)
        if logs:
            Log.queue_process(logs)
        return logs


class Action(TextInputMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'crm.automation.action'
    __string__ = "Automation Action"

    rule = fields.Many2One(
        'crm.automation.rule', "Rule", required=True, ondelete='CASCADE')
    type = fields.Selection([
            ('quotation', "Generate Quotation"),
            ('email', "E-mail Quotation"),
            ('follow_up', "Create Follow-up"),
            ('notify', "Notify"),
            ], "Type", required=True, sort=False)
    type_string = type.translated('type')
    description = fields.Text(
        "Description",
        states={
            'invisible': ~Eval('type').in_(['follow_up', 'notify']),
            'required': Eval('type').in_(['follow_up', 'notify']),
            },
        help="A Genshi text template with the opportunity as ${record}.")
    days = fields.Integer(
        "Due in Days",
        domain=['OR', ('days', '=', None), ('days', '>=', 0)],
        states={
            'invisible': Eval('type') != 'follow_up',
            'required': Eval('type') == 'follow_up',
            },
        help="The follow-up is due that many days after the stage entry.")
    email_template = fields.Many2One(
        'ir.email.template', "E-mail Template", ondelete='RESTRICT',
        domain=[('model.name', '=', 'sale.opportunity')],
        states={
            'invisible': Eval('type') != 'email',
            'required': Eval('type') == 'email',
            },
        help="Subject and body rendered with the opportunity; without "
        "recipients on the template, the opportunity's contact or the "
        "customer's e-mail is used.")
    report = fields.Many2One(
        'ir.action.report', "Attached Report", ondelete='RESTRICT',
        domain=[('model', '=', 'sale.sale')],
        states={
            'invisible': Eval('type') != 'email',
            },
        help="The report of the quotation attached to the e-mail.")
    notify_user = fields.Many2One(
        'res.user', "User", ondelete='CASCADE',
        states={
            'invisible': Eval('type') != 'notify',
            })
    notify_group = fields.Many2One(
        'res.group', "Group", ondelete='CASCADE',
        states={
            'invisible': Eval('type') != 'notify',
            },
        help="Every user of the group is notified.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('rule')

    @classmethod
    def default_type(cls):
        return 'follow_up'

    @classmethod
    def default_days(cls):
        return 3

    @classmethod
    def validate_fields(cls, actions, field_names):
        super().validate_fields(actions, field_names)
        if field_names is None or {'description', 'type'} & field_names:
            for action in actions:
                if action.description:
                    try:
                        TextTemplate(action.description)
                    except Exception as exception:
                        raise ValidationError(gettext(
                                'crm_plus'
                                '.msg_sales_automation_invalid_description',
                                action=action.rec_name,
                                exception=exception)) from exception
        if field_names is None or {
                'type', 'notify_user', 'notify_group'} & field_names:
            for action in actions:
                if (action.type == 'notify'
                        and not action.notify_user
                        and not action.notify_group):
                    raise ValidationError(gettext(
                            'crm_plus.msg_sales_automation_notify_nobody',
                            action=action.rec_name))

    def get_rec_name(self, name):
        if self.rule:
            return f'{self.rule.rec_name} / {self.type_string}'
        return self.type_string

    def execute(self, log):
        "Run the action for the log and return the record it produced"
        return getattr(self, f'_execute_{self.type}')(log)

    def render_description(self, opportunity):
        return render(self.description or '', record=opportunity)

    @staticmethod
    def _quotation(opportunity):
        "The newest draft or quotation sale of the opportunity"
        sales = [s for s in opportunity.sales
            if s.state in {'draft', 'quotation'}]
        return max(sales, key=lambda s: s.id) if sales else None

    def _execute_quotation(self, log):
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Sale = pool.get('sale.sale')
        opportunity = log.opportunity
        sale = self._quotation(opportunity)
        if not sale:
            if opportunity.state not in {'lead', 'opportunity'}:
                states = dict(Opportunity.fields_get(
                        ['state'])['state']['selection'])
                raise AutomationError(gettext(
                        'crm_plus.msg_sales_automation_cannot_convert',
                        opportunity=opportunity.rec_name,
                        state=states[opportunity.state]))
            # Fail before converting: a failed action must not convert
            if not opportunity.lines:
                raise AutomationError(gettext(
                        'crm_plus.msg_sales_automation_no_lines',
                        opportunity=opportunity.rec_name))
            if not opportunity.create_sale().invoice_address:
                raise AutomationError(gettext(
                        'sale.msg_sale_invoice_address_required_for_quotation',
                        sale=opportunity.rec_name))
            Opportunity.convert([opportunity])
            opportunity = Opportunity(opportunity.id)
            sale = self._quotation(opportunity)
            if not sale:
                raise AutomationError(gettext(
                        'crm_plus.msg_sales_automation_no_quotation',
                        opportunity=opportunity.rec_name))
        if sale.state == 'draft':
            Sale.quote([sale])
        return sale

    def _recipients(self, opportunity, values):
        EmailTemplate = Pool().get('ir.email.template')
        if values.get('to'):
            return values['to']
        usage = self.email_template.contact_mechanism
        with Transaction().set_context(usage=usage):
            return EmailTemplate.get_addresses(
                opportunity.contact or opportunity.party)

    def _execute_email(self, log):
        pool = Pool()
        Email = pool.get('ir.email')
        Attachment = pool.get('ir.attachment')
        Interaction = pool.get('crm.interaction')
        opportunity = log.opportunity
        sale = self._quotation(opportunity)
        if not sale:
            raise AutomationError(gettext(
                    'crm_plus.msg_sales_automation_no_quotation',
                    opportunity=opportunity.rec_name))
        language = (
            opportunity.party.lang.code if opportunity.party.lang else None)
        with Transaction().set_context(language=language):
            values = self.email_template.get(opportunity)
        to = self._recipients(opportunity, values)
        if not to:
            raise AutomationError(gettext(
                    'crm_plus.msg_sales_automation_no_email',
                    opportunity=opportunity.rec_name,
                    party=opportunity.party.rec_name))
        subject = values.get('subject') or opportunity.rec_name
        body = values.get('body') or ''

        files = []
        if self.report:
            Report = pool.get(self.report.report_name, type='report')
            with Transaction().set_context(language=language):
                ext, content, _, title = Report.execute(
                    [sale.id], {'action_id': self.report.id})
            if isinstance(content, str):
                content = content.encode('utf-8')
            files.append((f'{title}-{sale.number or sale.id}.{ext}', content))

        msg = EmailMessage()
        msg.set_content(body)
        for name, data in files:
            ctype, _ = mimetypes.guess_type(name)
            maintype, subtype = (
                ctype or 'application/octet-stream').split('/', 1)
            msg.add_attachment(
                data, maintype=maintype, subtype=subtype,
                filename=('utf-8', '', name))
        from_ = config.get('email', 'from')
        set_from_header(msg, from_, from_)
        msg['To'] = to
        if values.get('cc'):
            msg['Cc'] = values['cc']
        if values.get('bcc'):
            msg['Bcc'] = values['bcc']
        msg['Subject'] = subject
        # Sent when the transaction that logs it commits; connecting now
        # records an unreachable server as the error of this action
        datamanager = Transaction().join(EmailDataManager())
        datamanager.connect()

        email = Email.from_message(msg, body=body, resource=opportunity)
        email.save()
        Attachment.save([
                Attachment(resource=email, name=name, data=data)
                for name, data in files])
        interaction = Interaction(
            party=opportunity.party,
            type='email',
            date=datetime.datetime.now(),
            subject=subject,
            summary=body,
            origin=opportunity,
            user=Transaction().user or None)
        interaction.save()
        datamanager.put(
            None, None, msg, undo=(log.id, email.id, interaction.id))
        return email

    @staticmethod
    def _owner(opportunity):
        "The user acting as the opportunity's employee"
        User = Pool().get('res.user')
        if opportunity.employee:
            users = User.search([
                    ('employees', '=', opportunity.employee.id),
                    ], order=[('id', 'ASC')], limit=1)
            if users:
                return users[0]
        if Transaction().user:
            return User(Transaction().user)

    def _execute_follow_up(self, log):
        pool = Pool()
        Date = pool.get('ir.date')
        FollowUp = pool.get('crm.follow_up')
        opportunity = log.opportunity
        with Transaction().set_context(company=opportunity.company.id):
            today = Date.today()
        entered = log.stage_entry.date.date()
        follow_up = FollowUp(
            party=opportunity.party,
            origin=opportunity,
            description=self.render_description(opportunity),
            due_date=max(entered, today) + datetime.timedelta(
                days=self.days or 0),
            user=self._owner(opportunity))
        follow_up.save()
        return follow_up

    def _execute_notify(self, log):
        pool = Pool()
        Notification = pool.get('res.notification')
        ModelData = pool.get('ir.model.data')
        opportunity = log.opportunity
        users = []
        if self.notify_user:
            users.append(self.notify_user)
        if self.notify_group:
            users.extend(u for u in self.notify_group.users
                if u.active and u not in users)
        description = self.render_description(opportunity)
        action = ModelData.get_id('sale_opportunity', 'act_opportunity_form')
        notifications = [Notification(
                user=user,
                label=self.rule.name,
                description=description,
                icon='tryton-notification',
                model='sale.opportunity',
                records=json.dumps([opportunity.id]),
                action=action)
            for user in users]
        Notification.save(notifications)
        return notifications[0] if notifications else None


class Log(ModelSQL, ModelView):
    __name__ = 'crm.automation.log'
    __string__ = "Automation Log"

    rule = fields.Many2One(
        'crm.automation.rule', "Rule", required=True, readonly=True,
        ondelete='CASCADE')
    action = fields.Many2One(
        'crm.automation.action', "Action", required=True, readonly=True,
        ondelete='CASCADE')
    opportunity = fields.Many2One(
        'sale.opportunity', "Opportunity", required=True, readonly=True,
        ondelete='CASCADE')
    stage_entry = fields.Many2One(
        'crm.opportunity.stage_history', "Stage Entry", required=True,
        readonly=True, ondelete='CASCADE',
        help="The entry of the opportunity into the stage that fired "
        "the rule.")
    state = fields.Selection([
            ('pending', "Pending"),
            ('done', "Done"),
            ('error', "Error"),
            ], "State", required=True, readonly=True, sort=False)
    date = fields.Timestamp(
        "Date", readonly=True, help="When the action was last run.")
    attempts = fields.Integer("Attempts", required=True, readonly=True)
    error = fields.Text(
        "Error", readonly=True,
        states={
            'invisible': ~Eval('error'),
            })
    result = fields.Reference(
        "Result", selection='get_results', readonly=True)

    max_attempts = 5
    retry_delay = datetime.timedelta(minutes=5)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Own record rules (security.xml): the widest rights of an
        # __access__ target would make the log writable
        t = cls.__table__()
        cls._sql_constraints += [
            ('action_entry_unique', Unique(t, t.action, t.stage_entry),
                'crm_plus.msg_sales_automation_log_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['pending', 'error'])),
                Index(t, (t.opportunity, Index.Equality())),
                })
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'retry': {
                    'invisible': Eval('state') == 'done',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def default_attempts(cls):
        return 0

    @classmethod
    def get_results(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        models = [
            'sale.sale', 'ir.email', 'crm.follow_up', 'res.notification']
        return [(None, '')] + [
            (m, Model.get_name(m)) for m in models]

    def get_rec_name(self, name):
        return f'{self.action.rec_name} @ {self.opportunity.rec_name}'

    @classmethod
    def queue_process(cls, logs):
        with Transaction().set_context(queue_name='crm_automation'):
            cls.__queue__.process(logs)

    @classmethod
    @ModelView.button
    def retry(cls, logs):
        cls.queue_process([l for l in logs if l.state != 'done'])

    @classmethod
    def retry_failed(cls):
        "Queue again the pending and failed actions that are due"
        now = datetime.datetime.now()
        logs = cls.search([
                ('state', 'in', ['pending', 'error']),
                ('attempts', '<', cls.max_attempts),
                ], order=[('id', 'ASC')])
        # A pending log never run lost its task (e.g. rolled back worker)
        due = [l for l in logs
            if (l.date or l.create_date) + cls.retry_delay * (
                2 ** max(l.attempts - 1, 0)) <= now]
        if due:
            cls.queue_process(due)

    @classmethod
    def process(cls, logs):
        """Run the actions of the logs in rule order, once each

        Within a stage entry, the actions of a rule after one in error
        wait for the next attempt."""
        logs = [l for l in logs if l.state != 'done']
        if not logs:
            return
        cls.lock(logs)
        # Re-read the state after the lock: another task may have run them
        logs = cls.browse([l.id for l in logs])
        by_entry = defaultdict(list)
        for log in logs:
            by_entry[(log.rule, log.stage_entry)].append(log)
        for (rule, entry), group in by_entry.items():
            earlier = cls.search([
                    ('rule', '=', rule.id),
                    ('stage_entry', '=', entry.id),
                    ('state', '!=', 'done'),
                    ('id', 'not in', [l.id for l in group]),
                    ])
            group = sorted(set(group) | set(earlier),
                key=lambda l: (l.action.sequence or 0, l.action.id))
            for log in group:
                if log.state == 'done':
                    continue
                if not log.run():
                    break

    def run(self):
        "Run the action and record its outcome; return whether it succeeded"
        self.attempts += 1
        self.date = datetime.datetime.now()
        try:
            result = self.action.execute(self)
        except (TransactionError, backend.DatabaseOperationalError,
                backend.DatabaseIntegrityError):
            raise
        except Exception as exception:
            self.state = 'error'
            self.error = str(exception) or repr(exception)
            self.save()
            return False
        self.state = 'done'
        self.error = None
        self.result = result
        self.save()
        return True


class Opportunity(metaclass=PoolMeta):
    __name__ = 'sale.opportunity'

    @classmethod
    def _crm_stage_entered(cls, opportunities_by_stage):
        pool = Pool()
        Rule = pool.get('crm.automation.rule')
        super()._crm_stage_entered(opportunities_by_stage)
        Rule.stage_entered(opportunities_by_stage)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.automation.log|retry_failed',
                "Retry Failed Automation Actions"))
