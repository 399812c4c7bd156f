"""Role dashboards: board actions (dashboard.xml) of one-query panels, the
one of a CRM user's widest role opened at login.

sao runs the ``actions`` of the user's preferences when it starts
(``Sao.get_preferences``); a CRM user without actions of their own gets the
dashboard of their role there."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

#: (group, dashboard action) from the widest role
DASHBOARDS = [
    ('group_crm_admin', 'act_dashboard_admin'),
    ('group_sales_manager', 'act_dashboard_manager'),
    ('group_sales_rep', 'act_dashboard_rep'),
    ]


def dashboard_action(user):
    """The ir.action id of the dashboard of user's widest CRM role, None
    when user has no CRM role"""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    ActWindow = pool.get('ir.action.act_window')
    with Transaction().set_user(user.id):
        groups = set(User.get_groups())
    for group, action in DASHBOARDS:
        if ModelData.get_id('crm_plus', group) in groups:
            return ActWindow(ModelData.get_id('crm_plus', action)).action.id


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def _get_preferences(cls, user, context_only=False):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        preferences = super()._get_preferences(
            user, context_only=context_only)
        # the administrator keeps the configuration wizard at login
        if ('actions' in preferences and not preferences['actions']
                and user.id != ModelData.get_id('res', 'user_admin')):
            action = dashboard_action(user)
            if action is not None:
                preferences['actions'] = [action]
        return preferences
