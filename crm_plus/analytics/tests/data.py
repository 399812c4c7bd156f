"""The handmade records of the customer, pipeline and leaderboard tests:
two representatives in two teams, four customers, their sales,
opportunities, interactions and targets (dates forced in SQL)."""
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.transaction import Transaction

D = dt.date.fromisoformat
Q1 = {'from_date': D('2026-01-01'), 'to_date': D('2026-03-31')}


def force(Model, record, **values):
    "Write values in SQL, past the model's checks (dates, states)"
    table = Model.__table__()
    cursor = Transaction().connection.cursor()
    columns = [getattr(table, k) for k in values]
    cursor.execute(*table.update(columns, list(values.values()),
            where=table.id == record.id))


def setup():
    pool = Pool()
    Party = pool.get('party.party')
    Team = pool.get('crm.team')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Currency = pool.get('currency.currency')
    Rate = pool.get('currency.currency.rate')
    Uom = pool.get('product.uom')
    Template = pool.get('product.template')
    Sale = pool.get('sale.sale')
    Country = pool.get('country.country')
    Subdivision = pool.get('country.subdivision')
    Industry = pool.get('crm.industry')
    Opportunity = pool.get('sale.opportunity')
    Stage = pool.get('crm.pipeline.stage')
    History = pool.get('crm.opportunity.stage_history')
    LostReason = pool.get('crm.lost_reason')
    Interaction = pool.get('crm.interaction')
    Target = pool.get('crm.sale.target')

    company = create_company()
    usd, = Currency.create([{'name': "US Dollar", 'code': 'USD',
                'symbol': '$'}])
    Rate.create([{'currency': usd.id, 'date': D('2020-01-01'),
                'rate': Decimal('0.14')}])
    employees, users = {}, {}
    for login in ['r1', 'r2']:
        employees[login] = create_employee(company, login)
        users[login], = User.create([{
                    'login': f'anacust_{login}', 'name': login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'employees': [('add', [employees[login].id])],
                    'employee': employees[login].id,
                    'groups': [('add', [ModelData.get_id(
                                    'crm_plus', 'group_sales_rep')])],
                    }])
    t1, t2 = Team.create([
            {'name': "T1", 'company': company.id,
                'members': [('add', [employees['r1'].id])]},
            {'name': "T2", 'company': company.id,
                'members': [('add', [employees['r2'].id])]}])
    country, = Country.create([{'name': "中国", 'code': 'CN'}])
    zj, = Subdivision.create([{'name': "浙江省", 'code': 'CN-ZJ',
                'type': 'province', 'country': country.id}])
    i1, i2 = Industry.create([{'name': "制造业"}, {'name': "零售业"}])
    r1, r2 = employees['r1'], employees['r2']
    with set_company(company):
        # name, owner, team, province, industry, lifecycle, lost, created
        rows = [
            ('c1', r1, t1, zj, i1, 'active', None, '2026-01-05'),
            ('c2', r2, t2, None, i2, 'active', None, '2025-11-20'),
            ('c3', r1, t1, zj, i1, 'lost', '2026-03-15', '2025-05-10'),
            ('c4', r2, t2, zj, None, 'potential', None, '2026-02-14'),
            ]
        customers = {}
        for name, owner, team, province, industry, lifecycle, lost, \
                created in rows:
            party, = Party.create([{
                        'name': name, 'crm_kind': 'enterprise',
                        'crm_owner': owner.id, 'crm_team': team.id,
                        'crm_industry': industry.id if industry else None,
                        'addresses': [('create', [{
                                        'country': country.id,
                                        'subdivision': (province.id
                                            if province else None)}])],
                        }])
            force(Party, party, crm_lifecycle=lifecycle,
                crm_lost_date=D(lost) if lost else None,
                crm_lost_reason="gone" if lost else None,
                create_date=dt.datetime.fromisoformat(created + ' 10:00'))
            customers[name] = party
        unit, = Uom.search([('name', '=', 'Unit')])
        template, = Template.create([{'name': "P", 'default_uom': unit.id,
                    'salable': True, 'sale_uom': unit.id,
                    'list_price': Decimal(10),
                    'products': [('create', [{}])]}])
        product, = template.products
        # customer, date, state, currency, quantity, unit price
        orders = {
            's1': ('c1', '2026-01-10', 'done', None, 1, 100),
            's2': ('c1', '2026-02-05', 'done', None, 2, 100),
            's3': ('c1', '2026-03-10', 'confirmed', None, 1, 50),
            's4': ('c2', '2025-12-20', 'done', None, 1, 300),
            's5': ('c2', '2026-03-28', 'processing', usd, 1, 14),
            's6': ('c3', '2025-06-01', 'done', None, 3, 10),
            's7': ('c4', '2026-03-05', 'cancelled', None, 9, 1000),
            's8': ('c4', '2026-03-06', 'quotation', None, 9, 1000),
            }
        sales = {}
        for name, (party, date, state, currency, quantity, price) in (
                orders.items()):
            party = customers[party]
            address = party.addresses[0]
            sale, = Sale.create([{
                        'party': party.id, 'reference': name,
                        'shipment_address': address.id,
                        'invoice_address': address.id,
                        'currency': (currency or company.currency).id,
                        'lines': [('create', [{
                                        'product': product.id,
                                        'quantity': quantity,
                                        'unit': unit.id,
                                        'unit_price': Decimal(price)}])],
                        }])
            force(Sale, sale, state=state, sale_date=D(date),
                quotation_date=D(date))
            sales[name] = sale

        stages = {s.name: s for s in Stage.search([
                    ('pipeline.default', '=', True)])}
        price, budget = LostReason.create([{'name': "价格"},
                {'name': "预算"}])
        # customer, employee, start, end, state, stage, amount, currency,
        # lost reason, history [(stage, date)]
        deals = {
            'o1': ('c1', r1, '2026-01-02', '2026-02-20', 'won', 'Won', 1000,
                None, None, [('Initial Contact', '2026-01-02'),
                    ('Proposal', '2026-01-20'), ('Won', '2026-02-20')]),
            'o2': ('c2', r2, '2026-01-15', '2026-03-01', 'won', 'Won', 140,
                usd, None, [('Initial Contact', '2026-01-15'),
                    ('Won', '2026-03-01')]),
            'o3': ('c3', r1, '2026-02-01', '2026-03-10', 'lost', 'Lost',
                500, None, price, [('Initial Contact', '2026-02-01'),
                    ('Lost', '2026-03-10')]),
            'o4': ('c1', r1, '2026-02-10', None, 'opportunity', 'Proposal',
                300, None, None, [('Initial Contact', '2026-02-10'),
                    ('Proposal', '2026-03-02')]),
            'o5': ('c2', r2, '2026-03-05', None, 'opportunity',
                'Initial Contact', 200, None, None,
                [('Initial Contact', '2026-03-05')]),
            'o6': ('c4', r2, '2025-10-01', '2025-12-01', 'lost', 'Lost',
                50, None, budget, [('Initial Contact', '2025-10-01'),
                    ('Lost', '2025-12-01')]),
            }
        opportunities = {}
        for name, (party, employee, start, end, state, stage, amount,
                currency, reason, history) in deals.items():
            opportunity, = Opportunity.create([{
                        'party': customers[party].id,
                        'employee': employee.id,
                        'description': name,
                        'start_date': D(start),
                        'currency': (currency or company.currency).id,
                        'amount': Decimal(amount),
                        }])
            History.delete(History.search(
                    [('opportunity', '=', opportunity.id)]))
            force(Opportunity, opportunity, state=state,
                end_date=D(end) if end else None,
                pipeline=stages[stage].pipeline.id,
                stage=stages[stage].id,
                lost_reason_category=reason.id if reason else None)
            previous = None
            for stage_name, date in history:
                History.create([{'opportunity': opportunity.id,
                            'from_stage': previous,
                            'to_stage': stages[stage_name].id,
                            'date': dt.datetime.fromisoformat(
                                date + ' 09:00')}])
                previous = stages[stage_name].id
            opportunities[name] = opportunity

        # interactions logged by user, date
        for user, date in [('r1', '2026-01-03'), ('r1', '2026-02-03'),
                ('r2', '2026-03-03'), ('r1', '2025-12-31')]:
            interaction, = Interaction.create([{
                        'company': company.id,
                        'party': customers['c1' if user == 'r1'
                            else 'c2'].id,
                        'type': 'call', 'subject': "跟进",
                        'date': dt.datetime.fromisoformat(date + ' 11:00'),
                        }])
            force(Interaction, interaction, user=users[user].id)
        Target.create([
                {'company': company.id, 'employee': r1.id,
                    'month': D(m), 'amount': Decimal(100)}
                for m in ['2026-01-01', '2026-02-01', '2026-03-01']] + [
                {'company': company.id, 'employee': r2.id,
                    'month': D('2026-03-01'), 'amount': Decimal(1000)},
                {'company': company.id, 'team': t2.id,
                    'month': D('2026-02-01'), 'amount': Decimal(500)}])
    return {
        'company': company, 'employees': employees, 'users': users,
        'teams': (t1, t2), 'province': zj, 'industries': (i1, i2),
        'customers': customers, 'sales': sales, 'stages': stages,
        'opportunities': opportunities, 'reasons': (price, budget),
        'context': {'company': company.id, **Q1},
        }


def rows(model, context, user=None):
    "The rows of the report model by their name, as user when given"
    Report = Pool().get(model)
    with Transaction().set_context(**context):
        if user is not None:
            with Transaction().set_user(user.id), \
                    Transaction().set_context(_check_access=True):
                return {r.rec_name: r for r in Report.search([])}
        return {r.rec_name: r for r in Report.search([])}


def drill(model, context, row, user=None):
    "The records the drill-down of row opens (as user when given)"
    pool = Pool()
    Report = pool.get(model)
    Target = pool.get(Report._drill_model)
    with Transaction().set_context(**context):
        if user is not None:
            with Transaction().set_user(user.id), \
                    Transaction().set_context(_check_access=True):
                return set(Target.search(Report.drill_domain([row])))
        return set(Target.search(Report.drill_domain([row])))
