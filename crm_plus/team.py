"""Sales teams and the employee context of record rules.

Record rules of crm_plus restrict records by their owner employee: the rule
context gets the user's own employees, the employees of the teams the user
manages and the employees of the teams the user belongs to.
"""
from trytond.cache import Cache
from trytond.model import ModelSQL, ModelView, DeactivableMixin, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .text_input import TextInputMixin


class Team(TextInputMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'crm.team'
    __string__ = "Sales Team"
    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Company", required=True)
    manager = fields.Many2One(
        'company.employee', "Manager",
        domain=[('company', '=', Eval('company', -1))])
    members = fields.Many2Many(
        'crm.team-company.employee', 'team', 'employee', "Members",
        domain=[('company', '=', Eval('company', -1))])

    _rule_employees_cache = Cache('crm_team.rule_employees', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._rule_employees_cache.clear()
        Pool().get('ir.rule')._domain_get_cache.clear()

    @classmethod
    def rule_employees(cls):
        """Return (managed, team) tuples of employee ids for the user:
        the members of the teams the user manages (with themselves) and the
        members of the teams the user belongs to."""
        pool = Pool()
        User = pool.get('res.user')
        user_id = Transaction().user
        result = cls._rule_employees_cache.get(user_id)
        if result is not None:
            return result
        employees = set(User.get_employees())
        managed, team = set(employees), set(employees)
        if employees:
            with without_check_access(), \
                    Transaction().set_context(active_test=True):
                teams = cls.search(['OR',
                        ('manager', 'in', list(employees)),
                        ('members', 'in', list(employees)),
                        ])
                for record in teams:
                    ids = {m.id for m in record.members}
                    if record.manager:
                        ids.add(record.manager.id)
                    team |= ids
                    if record.manager and record.manager.id in employees:
                        managed |= ids
        result = (tuple(sorted(managed)), tuple(sorted(team)))
        cls._rule_employees_cache.set(user_id, result)
        return result


class TeamEmployee(ModelSQL):
    __name__ = 'crm.team-company.employee'
    __string__ = "Sales Team - Employee"
    team = fields.Many2One(
        'crm.team', "Team", required=True, ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('team')

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('crm.team')._rule_employees_cache.clear()
        Pool().get('ir.rule')._domain_get_cache.clear()


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    crm_teams = fields.Many2Many(
        'crm.team-company.employee', 'employee', 'team', "Sales Teams")


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        Team = pool.get('crm.team')
        context = super()._get_context(model_name)
        # the user of the user~user owner terms of the security table (the
        # stock context has it only for three res models)
        context['user_id'] = Transaction().user
        context['employees'] = User.get_employees()
        context['managed_employees'], context['team_employees'] = (
            Team.rule_employees())
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        Team = pool.get('crm.team')
        key = super()._get_cache_key(model_names)
        return (*key, Transaction().user, User.get_employees(),
            Team.rule_employees())


class TeamRotationMixin:
    """An assignment rule picking a member of its ``team`` by round robin
    (after ``last_assignee``) or by the fewest open records, which
    ``_open_counts(members)`` counts ({employee id: count})"""
    __slots__ = ()

    def members(self):
        "The members of the team present, in a stable order"
        return sorted(
            (m for m in self.team.members if m.active and not m.crm_absent),
            key=lambda m: m.id)

    def pick(self):
        """The member for the next record, or None when nobody is present;
        remembered for the next turn"""
        self.lock()
        members = self.members()
        if not members:
            return None
        # the turn order starts after the last assignee (even absent)
        last = self.last_assignee.id if self.last_assignee else 0
        order = ([m for m in members if m.id > last]
            + [m for m in members if m.id <= last])
        if self.strategy == 'round_robin':
            member = order[0]
        else:
            counts = self._open_counts(members)
            member = min(order, key=lambda m: counts.get(m.id, 0))
        self.__class__.write([self], {'last_assignee': member.id})
        return member

    @classmethod
    def _open_counts(cls, members):
        raise NotImplementedError
