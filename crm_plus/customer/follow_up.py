"""Follow-ups: the reminders a user has to act on for a customer."""
import datetime
import json
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from ..text_input import TextInputMixin


class FollowUp(TextInputMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'crm.follow_up'
    __string__ = "Follow-up"
    _rec_name = 'description'

    _states = {
        'readonly': Eval('state') != 'open',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': Eval('id', -1) >= 0,
            })
    party = fields.Many2One(
        'party.party', "Customer", required=True, states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    interaction = fields.Many2One(
        'crm.interaction', "Interaction", ondelete='CASCADE',
        domain=[
            ('party', '=', Eval('party', -1)),
            ],
        states=_states)
    origin = fields.Reference(
        "Origin", selection='get_origin', states=_states)
    description = fields.Char("Description", required=True, states=_states)
    due_date = fields.Date("Due Date", required=True, states=_states)
    user = fields.Many2One(
        'res.user', "Responsible", required=True, states=_states)
    state = fields.Selection([
            ('open', "Open"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    done_date = fields.DateTime("Done Date", readonly=True)
    done_by = fields.Many2One('res.user', "Done By", readonly=True)
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('due_date', 'ASC'), ('id', 'ASC')]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(
                    t,
                    (t.user, Index.Equality()),
                    (t.due_date, Index.Range()),
                    where=t.state == 'open'),
                Index(
                    t,
                    (t.party, Index.Equality()),
                    (t.due_date, Index.Range()),
                    where=t.state == 'open'),
                # the ids of the customer timeline rows
                Index(t, (t.id * 10 + 4, Index.Equality())),
                })
        cls._transitions |= {
            ('open', 'done'),
            ('open', 'cancelled'),
            ('done', 'open'),
            ('cancelled', 'open'),
            }
        cls._buttons.update({
                'done': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') == 'open',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('overdue', False), 'danger', ''),
                ['overdue']),
            ]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'open'

    @staticmethod
    def default_user():
        return Transaction().user

    @classmethod
    def default_due_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def _get_origin(cls):
        "Return the model names allowed as origin"
        return Pool().get('crm.interaction')._get_origin()

    @classmethod
    def get_origin(cls):
        get_name = Pool().get('ir.model').get_name
        return [(None, '')] + [(m, get_name(m)) for m in cls._get_origin()]

    @fields.depends('interaction', 'party', 'origin')
    def on_change_interaction(self):
        if self.interaction:
            self.party = self.interaction.party
            if not self.origin:
                self.origin = self.interaction.origin

    def get_overdue(self, name):
        today = Pool().get('ir.date').today()
        return self.state == 'open' and self.due_date < today

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        today = Pool().get('ir.date').today()
        if operator in {'=', '!='}:
            overdue = bool(value) == (operator == '=')
        elif operator in {'in', 'not in'}:
            overdue = (True in value) == (operator == 'in')
            if (True in value) and (False in value):
                return [] if operator == 'in' else [('id', '=', None)]
        else:
            raise ValueError(operator)
        if overdue:
            return [('state', '=', 'open'), ('due_date', '<', today)]
        return ['OR', ('state', '!=', 'open'), ('due_date', '>=', today)]

    @classmethod
    def copy(cls, follow_ups, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'open')
        default.setdefault('done_date')
        default.setdefault('done_by')
        return super().copy(follow_ups, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, follow_ups):
        cls.write(follow_ups, {
                'done_date': datetime.datetime.now().replace(microsecond=0),
                'done_by': Transaction().user,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, follow_ups):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, follow_ups):
        cls.write(follow_ups, {
                'done_date': None,
                'done_by': None,
                })

    @classmethod
    def notify_overdue(cls):
        "Notify each responsible user of their overdue follow-ups"
        pool = Pool()
        Notification = pool.get('res.notification')
        ModelData = pool.get('ir.model.data')
        action_id = ModelData.get_id('crm_plus', 'act_follow_up_my')
        by_user = defaultdict(list)
        for follow_up in cls.search([('overdue', '=', True)]):
            by_user[follow_up.user].append(follow_up.id)
        notifications = []
        for user, ids in by_user.items():
            with Transaction().set_context(language=user.language.code
                    if user.language else None):
                label = gettext('crm_plus.msg_customer_follow_up_overdue')
                description = gettext(
                    'crm_plus.msg_customer_follow_up_overdue_count',
                    count=len(ids))
            notifications.append(Notification(
                    user=user,
                    label=label,
                    description=description,
                    icon='tryton-notification',
                    model=cls.__name__,
                    records=json.dumps(ids),
                    action=action_id,
                    ))
        Notification.save(notifications)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.follow_up|notify_overdue', "Notify Overdue Follow-ups"))
