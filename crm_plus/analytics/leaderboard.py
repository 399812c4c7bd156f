"""Leaderboards (业绩排行): the representatives and the teams of the
context's company ranked for a period by the confirmed sales amount of
their customers, the amount of the opportunities they won, their orders,
their new customers and the interactions they logged, against their
targets (``crm.sale.target``).

Attainment is the confirmed sales amount (``sales.sale_lines``, the
forecast's committed sales, read as the customers' day rows of the sales
summary once it is built) over the target of the months the period
touches.  A representative's figures are those of the customers they own
(``party.crm_owner``), the opportunities they are the employee of and the
interactions their users logged; a team's, the sum of its members'.

Deliberate exception to the record rules (README, Security model): every
user of the report sees the totals and ranks of everyone (no customer,
sale or opportunity is shown), as a ranking of oneself alone is useless;
the drill-down opens the records behind a row through the normal search,
filtered by the user's rules.
"""
from sql import Literal, Null, Union, Window
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Rank

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from ..security import ReadOnlyQueryMixin
from .common import (
    AnalyticsContextMixin, DrillDownMixin, company_amount, date_of,
    report_range)
from .pipeline_report import team_employees

RANK_BY = [
    ('sale_amount', "Sales Amount"),
    ('won_amount', "Won Amount"),
    ('orders', "Orders"),
    ('new_customers', "New Customers"),
    ('interactions', "Interactions"),
    ('attainment', "Attainment"),
    ]
MEASURES = ['sale_amount', 'orders', 'won_amount', 'won_number',
    'new_customers', 'interactions', 'target']


def employee_figures(from_date, to_date):
    """The query of the figures of the employees of the context's company
    from from_date to to_date: employee and MEASURES, one row per employee
    with one, computed for everyone (see the module's docstring)"""
    pool = Pool()
    Party = pool.get('party.party')
    Opportunity = pool.get('sale.opportunity')
    Interaction = pool.get('crm.interaction')
    UserEmployee = pool.get('res.user-company.employee')
    Employee = pool.get('company.employee')
    Target = pool.get('crm.sale.target')
    company = Transaction().context.get('company')
    zero = Literal(0)

    def part(query, employee, values, where=None, group_by=None):
        return query.select(employee.as_('employee'),
            *(values.get(m, zero).as_(m) for m in MEASURES),
            where=where, group_by=group_by)

    # the customers' day rows of all the sales (from the summary once
    # built): a sale has one day, their counts add up
    with without_check_access():
        days = pool.get('crm.analytics.sale.customer')._days(
            from_date, to_date)
    party = Party.__table__()
    sales = part(days.join(party, condition=party.id == days.key),
        party.crm_owner, {
            'sale_amount': Sum(days.amount),
            'orders': Sum(days.number),
            }, where=party.crm_owner != Null, group_by=[party.crm_owner])

    opportunity = Opportunity.__table__()
    from_, amount = company_amount(opportunity,
        Coalesce(opportunity.amount, 0), opportunity.currency,
        opportunity.start_date, opportunity.company)
    won = part(from_, opportunity.employee, {
            'won_amount': Sum(amount),
            'won_number': Count(opportunity.id),
            }, where=(opportunity.company == company)
        & (opportunity.state == 'won')
        & (opportunity.end_date >= from_date)
        & (opportunity.end_date <= to_date)
        & (opportunity.employee != Null),
        group_by=[opportunity.employee])

    party = Party.__table__()
    created = date_of(party.create_date)
    new = part(party, party.crm_owner, {
            'new_customers': Count(party.id),
            }, where=(party.crm_kind != Null) & (party.crm_owner != Null)
        & (created >= from_date) & (created <= to_date),
        group_by=[party.crm_owner])

    interaction = Interaction.__table__()
    user_employee = UserEmployee.__table__()
    employee = Employee.__table__()
    date = date_of(interaction.date)
    logged = part(interaction
        .join(user_employee, condition=user_employee.user == interaction.user)
        .join(employee, condition=(employee.id == user_employee.employee)
            & (employee.company == company)),
        user_employee.employee, {
            'interactions': Count(interaction.id, distinct=True),
            }, where=(interaction.company == company)
        & (date >= from_date) & (date <= to_date),
        group_by=[user_employee.employee])

    target = Target.__table__()
    targets = part(target, target.employee, {
            'target': Sum(target.amount),
            }, where=(target.company == company)
        & (target.employee != Null)
        & (target.month >= from_date.replace(day=1))
        & (target.month <= to_date),
        group_by=[target.employee])

    union = Union(sales, won, new, logged, targets, all_=True)
    return union.select(union.employee,
        *(Sum(getattr(union, m)).as_(m) for m in MEASURES),
        group_by=[union.employee])


class LeaderboardContext(AnalyticsContextMixin, ModelView):
    __name__ = 'crm.analytics.leaderboard.context'
    __string__ = "Leaderboard Context"
    rank_by = fields.Selection(RANK_BY, "Rank By", required=True,
        help="The figure the rank is computed on.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.owner.states['invisible'] = True

    @classmethod
    def default_rank_by(cls):
        return Transaction().context.get('rank_by', 'sale_amount')


class _LeaderboardMixin(DrillDownMixin, ReadOnlyQueryMixin, ModelSQL,
        ModelView):
    """A ranking: ``_rows(figures)`` gives the FROM, the id column, the
    other columns, the group by and where of the rows over the employee
    figures"""
    __slots__ = ()
    _drill_model = 'sale.opportunity'
    rank = fields.Integer("Rank")
    sale_amount = Monetary("Sales Amount", currency='currency',
        digits='currency',
        help="Amount of the confirmed sales of the customers owned.")
    orders = fields.Integer("Orders", help="Confirmed sales of the period.")
    won_amount = Monetary("Won Amount", currency='currency',
        digits='currency', help="Amount of the opportunities won.")
    won_number = fields.Integer("Won", help="Opportunities won.")
    new_customers = fields.Integer("New Customers",
        help="Customers owned created in the period.")
    interactions = fields.Integer("Interactions",
        help="Interactions logged in the period.")
    target = Monetary("Target", currency='currency', digits='currency',
        help="Sales targets of the months of the period.")
    attainment = fields.Float("Attainment %", digits=(16, 4),
        help="Sales amount over the target.")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('rank', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _rows(cls, figures):
        raise NotImplementedError

    @classmethod
    def table_query(cls):
        from_date, to_date = report_range()
        figures = employee_figures(from_date, to_date)
        from_, columns, sums, group_by, where = cls._rows(figures)
        inner = from_.select(*columns, *(sums[m].as_(m) for m in MEASURES),
            where=where, group_by=group_by)
        attainment = Case((inner.target > 0,
                inner.sale_amount * 1.0 / inner.target), else_=Null)
        rank_by = Transaction().context.get('rank_by')
        key = (attainment if rank_by == 'attainment'
            else getattr(inner, rank_by if rank_by in dict(RANK_BY)
                else 'sale_amount'))
        names = [c.output_name for c in columns]
        return inner.select(*(getattr(inner, n).as_(n) for n in names),
            Rank(window=Window([], order_by=[
                        Coalesce(key, 0).desc])).as_('rank'),
            *(cls.sale_amount.sql_cast(getattr(inner, m)).as_(m)
                if m in {'sale_amount', 'won_amount', 'target'}
                else getattr(inner, m).as_(m) for m in MEASURES),
            cls.attainment.sql_cast(attainment).as_('attainment'))

    def get_currency(self, name):
        Company = Pool().get('company.company')
        company = Transaction().context.get('company')
        if company is not None and company >= 0:
            return Company(company).currency.id

    @classmethod
    def drill_domain(cls, rows):
        "The opportunities won in the period by the employees of rows"
        from_date, to_date = report_range()
        return [
            ('company', '=', Transaction().context.get('company')),
            ('state', '=', 'won'),
            ('end_date', '>=', from_date), ('end_date', '<=', to_date),
            ('employee', 'in', cls._drill_employees(rows)),
            ]


class EmployeeLeaderboard(_LeaderboardMixin):
    "The representatives ranked"
    __name__ = 'crm.analytics.leaderboard.employee'
    __string__ = "Representative Leaderboard"
    employee = fields.Many2One('company.employee', "Representative")

    @classmethod
    def _rows(cls, figures):
        Employee = Pool().get('company.employee')
        employee = Employee.__table__()
        context = Transaction().context
        from_ = figures.join(employee,
            condition=employee.id == figures.employee)
        where = employee.company == context.get('company')
        if context.get('team'):
            where &= employee.id.in_(team_employees(context['team']))
        return (from_,
            [figures.employee.as_('id'), figures.employee.as_('employee')],
            {m: getattr(figures, m) for m in MEASURES}, None, where)

    def get_rec_name(self, name):
        return self.employee.rec_name if self.employee else ''

    @classmethod
    def _drill_employees(cls, rows):
        return [r.employee.id for r in rows if r.employee]


class TeamLeaderboard(_LeaderboardMixin):
    """The teams ranked on the sum of their members' figures; their target
    is the team's own when it has one, else the sum of its members'"""
    __name__ = 'crm.analytics.leaderboard.team'
    __string__ = "Team Leaderboard"
    team = fields.Many2One('crm.team', "Team")

    @classmethod
    def _rows(cls, figures):
        pool = Pool()
        Team = pool.get('crm.team')
        Member = pool.get('crm.team-company.employee')
        Target = pool.get('crm.sale.target')
        context = Transaction().context
        from_date, to_date = report_range()
        team, member, target = (Team.__table__(), Member.__table__(),
            Target.__table__())
        members = Union(
            member.select(member.team, member.employee),
            team.select(team.id.as_('team'), team.manager.as_('employee'),
                where=team.manager != Null))
        team = Team.__table__()
        own = target.select(target.team, Sum(target.amount).as_('amount'),
            where=(target.company == context.get('company'))
            & (target.team != Null) & (target.employee == Null)
            & (target.month >= from_date.replace(day=1))
            & (target.month <= to_date),
            group_by=[target.team])
        from_ = (team
            .join(members, condition=members.team == team.id)
            .join(figures, condition=figures.employee == members.employee)
            .join(own, 'LEFT', condition=own.team == team.id))
        where = ((team.company == context.get('company'))
            & (team.active == Literal(True)))
        if context.get('team'):
            where &= team.id == context['team']
        sums = {m: Sum(getattr(figures, m)) for m in MEASURES}
        sums['target'] = Coalesce(Max(own.amount), sums['target'])
        return (from_, [team.id.as_('id'), team.id.as_('team')], sums,
            [team.id], where)

    def get_rec_name(self, name):
        return self.team.rec_name if self.team else ''

    @classmethod
    def _drill_employees(cls, rows):
        employees = []
        for row in rows:
            if row.team:
                employees += [m.id for m in row.team.members]
                if row.team.manager:
                    employees.append(row.team.manager.id)
        return employees
