"""The sales analytics against a handmade set of sales, and against the
sales themselves as a representative may list them."""
import datetime as dt
import unittest
from decimal import Decimal
from unittest import mock

from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from .. import summary
from ..common import (
    date_key, key_end, key_label, key_start, last_year_range,
    previous_range)

MARCH = {'from_date': dt.date(2026, 3, 1), 'to_date': dt.date(2026, 3, 31)}


class CommonTestCase(unittest.TestCase):
    "Test the period machinery"

    def test_keys(self):
        "The keys of dates and their periods round-trip"
        for period in ['day', 'week', 'month', 'quarter', 'year']:
            for date in [dt.date(2024, 2, 29), dt.date(2026, 1, 1),
                    dt.date(2026, 12, 31), dt.date(2027, 1, 4)]:
                key = date_key(date, period)
                self.assertLessEqual(key_start(key, period), date)
                self.assertGreaterEqual(key_end(key, period), date)
                self.assertEqual(date_key(key_end(key, period), period), key)
        self.assertEqual(key_start(date_key(
                    dt.date(2026, 12, 3), 'week'), 'week'),
            dt.date(2026, 11, 30))
        self.assertEqual(key_label(date_key(
                    dt.date(2026, 11, 3), 'quarter'), 'quarter', 'zh_CN'),
            '2026年第4季度')
        self.assertEqual(key_label(date_key(
                    dt.date(2026, 12, 3), 'week'), 'week', 'en'), '2026-W49')

    def test_ranges(self):
        "The previous period has the same length, last year is a year back"
        self.assertEqual(
            previous_range(dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
            (dt.date(2026, 1, 29), dt.date(2026, 2, 28)))
        self.assertEqual(
            last_year_range(dt.date(2024, 2, 29), dt.date(2024, 3, 31)),
            (dt.date(2023, 2, 28), dt.date(2023, 3, 31)))


class SalesAnalyticsTestCase(unittest.TestCase):
    "Test the sales analytics"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def _setup(self):
        pool = Pool()
        Party = pool.get('party.party')
        Team = pool.get('crm.team')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Currency = pool.get('currency.currency')
        Rate = pool.get('currency.currency.rate')
        Uom = pool.get('product.uom')
        Template = pool.get('product.template')
        Category = pool.get('product.category')
        Sale = pool.get('sale.sale')
        Country = pool.get('country.country')
        Subdivision = pool.get('country.subdivision')

        company = create_company()
        usd, = Currency.create([{
                    'name': "US Dollar", 'code': 'USD', 'symbol': '$'}])
        Rate.create([{'currency': usd.id, 'date': dt.date(2020, 1, 1),
                    'rate': Decimal('0.14')}])
        employees, users = {}, {}
        for login in ['r1', 'r2']:
            employees[login] = create_employee(company, login)
            users[login], = User.create([{
                        'login': f'analytics_{login}',
                        'name': login,
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [employees[login].id])],
                        'employee': employees[login].id,
                        'groups': [('add', [ModelData.get_id(
                                        'crm_plus', 'group_sales_rep')])],
                        }])
        team1, team2 = Team.create([{
                    'name': "T1", 'company': company.id,
                    'members': [('add', [employees['r1'].id])],
                    }, {
                    'name': "T2", 'company': company.id,
                    'members': [('add', [employees['r2'].id])],
                    }])
        country, = Country.create([{'name': "中国", 'code': 'CN'}])
        province, = Subdivision.create([{
                    'name': "浙江省", 'code': 'CN-ZJ', 'type': 'province',
                    'country': country.id}])
        with set_company(company):
            c1, c2 = Party.create([{
                        'name': "甲公司", 'crm_kind': 'enterprise',
                        'crm_owner': employees['r1'].id,
                        'crm_team': team1.id,
                        'addresses': [('create', [{
                                        'country': country.id,
                                        'subdivision': province.id}])],
                        }, {
                        'name': "乙公司", 'crm_kind': 'enterprise',
                        'crm_owner': employees['r2'].id,
                        'crm_team': team2.id,
                        'addresses': [('create', [{}])],
                        }])
            unit, = Uom.search([('name', '=', 'Unit')])
            k1, k2 = Category.create([{'name': "K1"}, {'name': "K2"}])
            t1, t2 = Template.create([{
                        'name': "P1", 'default_uom': unit.id,
                        'salable': True, 'sale_uom': unit.id,
                        'list_price': Decimal(10),
                        'categories': [('add', [k1.id])],
                        'products': [('create', [{
                                        'cost_price': Decimal(6)}])],
                        }, {
                        'name': "P2", 'default_uom': unit.id,
                        'salable': True, 'sale_uom': unit.id,
                        'list_price': Decimal(5),
                        'categories': [('add', [k2.id])],
                        'products': [('create', [{}])],
                        }])
            p1, = t1.products
            p2, = t2.products
            # party, date, state, currency, lines (product, qty, price)
            rows = {
                's1': (c1, '2026-03-10', 'confirmed', None,
                    [(p1, 2, 10), (p2, 1, 5)]),
                's2': (c2, '2026-03-15', 'done', None, [(p1, 3, 10)]),
                's3': (c1, '2026-03-20', 'cancelled', None, [(p1, 100, 10)]),
                's4': (c1, '2026-03-25', 'quotation', None, [(p1, 50, 10)]),
                's5': (c2, '2026-03-28', 'processing', usd, [(p2, 1, 14)]),
                's6': (c1, '2026-03-30', 'done', None, [(p1, -1, 10)]),
                's7': (c1, '2026-02-10', 'done', None, [(p1, 1, 10)]),
                's8': (c2, '2025-03-05', 'done', None, [(p2, 2, 5)]),
                's9': (c1, '2026-04-02', 'done', None, [(p1, 7, 10)]),
                }
            sales = {}
            for name, (party, date, state, currency, lines) in rows.items():
                address = party.addresses[0]
                sale, = Sale.create([{
                            'party': party.id,
                            'shipment_address': address.id,
                            'invoice_address': address.id,
                            'reference': name,
                            'currency': (currency or company.currency).id,
                            'lines': [('create', [{
                                            'product': p.id,
                                            'quantity': q,
                                            'unit': unit.id,
                                            'unit_price': Decimal(u),
                                            } for p, q, u in lines])],
                            }])
                sales[name] = sale
            table = Sale.__table__()
            cursor = Transaction().connection.cursor()
            for name, (_, date, state, _, _) in rows.items():
                date = dt.date.fromisoformat(date)
                cursor.execute(*table.update(
                        [table.state, table.sale_date, table.quotation_date],
                        [state, date, date],
                        where=table.id == sales[name].id))
        context = {'company': company.id, **MARCH}
        return {
            'company': company, 'employees': employees, 'users': users,
            'teams': (team1, team2), 'products': (p1, p2),
            'categories': (k1, k2), 'customers': (c1, c2),
            'province': province, 'sales': sales, 'context': context,
            }

    def _rows(self, model, context, user=None):
        Report = Pool().get(model)
        with Transaction().set_context(**context):
            if user is not None:
                with Transaction().set_user(user.id), \
                        Transaction().set_context(_check_access=True):
                    return {r.rec_name: r for r in Report.search([])}
            return {r.rec_name: r for r in Report.search([])}

    def _expected(self, context, user=None, key=None):
        """The figures of the lines of the sales the user may list, from the
        records, by key(line)"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Currency = pool.get('currency.currency')
        company = pool.get('company.company')(context['company'])
        figures = {}
        with Transaction().set_context(**context):
            if user is not None:
                with Transaction().set_user(user.id), \
                        Transaction().set_context(_check_access=True):
                    ids = [s.id for s in Sale.search([])]
            else:
                ids = [s.id for s in Sale.search([])]
        for sale in Sale.browse(ids):
            if (sale.state not in {'confirmed', 'processing', 'done'}
                    or not (context['from_date'] <= sale.sale_date
                        <= context['to_date'])):
                continue
            for line in sale.lines:
                with Transaction().set_context(date=sale.sale_date):
                    amount = Currency.compute(
                        sale.currency, line.amount, company.currency)
                k = key(line)
                amount_, quantity, orders = figures.get(k, (0, 0, set()))
                figures[k] = (amount_ + amount, quantity + line.quantity,
                    orders | {sale.id})
        return {k: (a, q, len(o)) for k, (a, q, o) in figures.items()}

    @with_transaction()
    def test_product_figures(self):
        "Amount, quantity, orders, margin and comparisons by product"
        data = self._setup()
        p1, p2 = data['products']
        rows = self._rows('crm.analytics.sale.product', data['context'])
        self.assertEqual(set(rows), {'P1', 'P2'})
        r1, r2 = rows['P1'], rows['P2']
        self.assertEqual((r1.amount, r1.quantity, r1.number),
            (Decimal(40), 4, 3))
        self.assertEqual(r1.amount_previous, Decimal(10))
        self.assertEqual(r1.amount_last_year, Decimal(0))
        self.assertEqual(r1.margin, Decimal(40 - 4 * 6))
        self.assertAlmostEqual(r1.margin_rate, 0.4)
        self.assertAlmostEqual(r1.amount_change, 3.0)
        self.assertIsNone(r1.amount_yoy)
        # 14 USD at 0.14 USD per CNY
        self.assertEqual((r2.amount, r2.quantity, r2.number),
            (Decimal(105), 2, 2))
        self.assertEqual(r2.amount_last_year, Decimal(10))
        self.assertAlmostEqual(r2.amount_yoy, 9.5)
        self.assertEqual(r2.average_order, Decimal('52.50'))
        expected = self._expected(data['context'], key=lambda l: l.product)
        self.assertEqual(
            {p: (r.amount, r.quantity, r.number)
                for p, r in [(p1, r1), (p2, r2)]},
            expected)

    @with_transaction()
    def test_groupings(self):
        "The same lines by owner, team, customer, category and region"
        data = self._setup()
        r2 = data['employees']['r2']
        rows = self._rows('crm.analytics.sale.owner', data['context'])
        self.assertEqual(
            {k: (r.amount, r.number) for k, r in rows.items()},
            {'r1': (Decimal(15), 2), 'r2': (Decimal(130), 2)})
        expected = self._expected(
            data['context'], key=lambda l: l.sale.party.crm_owner)
        self.assertEqual(
            {r.employee: (r.amount, r.quantity, r.number)
                for r in rows.values()}, expected)
        rows = self._rows('crm.analytics.sale.team', data['context'])
        self.assertEqual({k: r.amount for k, r in rows.items()},
            {'T1': Decimal(15), 'T2': Decimal(130)})
        rows = self._rows('crm.analytics.sale.customer', data['context'])
        self.assertEqual({k: r.amount for k, r in rows.items()},
            {'甲公司': Decimal(15), '乙公司': Decimal(130)})
        self.assertEqual(list(rows)[0], '乙公司', "top customer first")
        rows = self._rows('crm.analytics.sale.category', data['context'])
        self.assertEqual({k: r.amount for k, r in rows.items()},
            {'K1': Decimal(40), 'K2': Decimal(105)})
        rows = self._rows('crm.analytics.sale.region', data['context'])
        self.assertEqual({k: r.amount for k, r in rows.items()},
            {'浙江省': Decimal(15), '（无）': Decimal(130)}
            if Transaction().language.startswith('zh') else
            {'浙江省': Decimal(15), '(none)': Decimal(130)})
        # the context's owner and team filters
        rows = self._rows('crm.analytics.sale.product',
            {**data['context'], 'owner': r2.id})
        self.assertEqual({k: r.amount for k, r in rows.items()},
            {'P1': Decimal(30), 'P2': Decimal(100)})
        # the user's own employee in the session context filters nothing
        rows = self._rows('crm.analytics.sale.product',
            {**data['context'], 'employee': r2.id})
        self.assertEqual({k: r.amount for k, r in rows.items()},
            {'P1': Decimal(40), 'P2': Decimal(105)})
        rows = self._rows('crm.analytics.sale.product',
            {**data['context'], 'team': data['teams'][0].id})
        self.assertEqual({k: r.amount for k, r in rows.items()},
            {'P1': Decimal(10), 'P2': Decimal(5)})

    @with_transaction()
    def test_period(self):
        "Periods beside the previous one and last year's, and quotations"
        data = self._setup()
        rows = self._rows('crm.analytics.sale.period', data['context'])
        self.assertEqual(len(rows), 1)
        row, = rows.values()
        self.assertEqual(row.start_date, dt.date(2026, 3, 1))
        self.assertEqual((row.amount, row.number), (Decimal(145), 4))
        self.assertEqual(row.amount_previous, Decimal(10))
        self.assertEqual(row.amount_last_year, Decimal(10))
        self.assertEqual((row.quotations, row.quotations_confirmed), (6, 4))
        self.assertAlmostEqual(row.conversion_rate, 4 / 6)
        context = {**data['context'], 'period': 'day',
            'from_date': dt.date(2026, 3, 9),
            'to_date': dt.date(2026, 3, 16)}
        rows = self._rows('crm.analytics.sale.period', context)
        self.assertEqual(
            {r.start_date: r.amount for r in rows.values()},
            {dt.date(2026, 3, 10): Decimal(25),
                dt.date(2026, 3, 15): Decimal(30)})
        context['period'] = 'quarter'
        context['from_date'] = dt.date(2025, 1, 1)
        context['to_date'] = dt.date(2026, 6, 30)
        rows = self._rows('crm.analytics.sale.period', context)
        amounts = {r.start_date: (r.amount, r.amount_last_year)
            for r in rows.values()}
        self.assertEqual(amounts[dt.date(2026, 1, 1)],
            (Decimal(155), Decimal(10)))
        self.assertEqual(amounts[dt.date(2026, 4, 1)], (Decimal(70), 0))

    @with_transaction()
    def test_representative(self):
        "A representative's figures are those of the sales they may list"
        data = self._setup()
        user = data['users']['r1']
        rows = self._rows('crm.analytics.sale.product', data['context'],
            user)
        self.assertEqual(
            {k: (r.amount, r.number) for k, r in rows.items()},
            {'P1': (Decimal(10), 2), 'P2': (Decimal(5), 1)})
        expected = self._expected(data['context'], user,
            key=lambda l: l.product.rec_name)
        self.assertEqual(
            {k: (r.amount, r.quantity, r.number) for k, r in rows.items()},
            expected)
        rows = self._rows('crm.analytics.sale.owner', data['context'], user)
        self.assertEqual(list(rows), ['r1'])
        rows = self._rows('crm.analytics.sale.period', data['context'], user)
        row, = rows.values()
        self.assertEqual((row.amount, row.quotations), (Decimal(15), 4))

    @with_transaction()
    def test_drill_down(self):
        "The sales of a row are those it counts"
        pool = Pool()
        Sale = pool.get('sale.sale')
        data = self._setup()
        for model, name, expected in [
                ('crm.analytics.sale.product', 'P1', {'s1', 's2', 's6'}),
                ('crm.analytics.sale.region', '浙江省', {'s1', 's6'}),
                ('crm.analytics.sale.category', 'K2', {'s1', 's5'}),
                ('crm.analytics.sale.period', None,
                    {'s1', 's2', 's5', 's6'}),
                ]:
            rows = self._rows(model, data['context'])
            row = rows[name] if name else list(rows.values())[0]
            Report = pool.get(model)
            with Transaction().set_context(**data['context']):
                domain = Report.drill_domain([row])
                found = {s.reference for s in Sale.search(domain)}
            self.assertEqual(found, expected, model)
        Drill = pool.get('crm.analytics.drill', type='wizard')
        rows = self._rows('crm.analytics.sale.owner', data['context'])
        with Transaction().set_context(
                active_model='crm.analytics.sale.owner',
                active_ids=[rows['r2'].id], active_id=rows['r2'].id,
                **data['context']):
            session_id, _, _ = Drill.create()
            action = Drill.execute(session_id, {}, 'open')['actions'][0][0]
        self.assertEqual(action['res_model'], 'sale.sale')
        with Transaction().set_context(**data['context']):
            self.assertEqual(
                {s.reference for s in Sale.search(
                        eval_domain(action['pyson_domain']))},
                {'s2', 's5'})

    @with_transaction()
    def test_summary(self):
        """The summary gives the figures of the lines: rebuilt, with changed
        days read from the lines, and refreshed; never for a
        representative"""
        pool = Pool()
        Summary = pool.get('crm.analytics.sale.summary')
        Dirty = pool.get('crm.analytics.sale.summary.dirty')
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        Sale = pool.get('sale.sale')
        data = self._setup()
        company, context = data['company'], data['context']
        c1, c2 = data['customers']
        r2 = data['employees']['r2']
        contexts = [context,
            {**context, 'period': 'day', 'from_date': dt.date(2026, 3, 9),
                'to_date': dt.date(2026, 3, 30)},
            {**context, 'period': 'quarter',
                'from_date': dt.date(2025, 1, 1),
                'to_date': dt.date(2026, 6, 30)}]
        reports = [(m, {}) for m in [
                'crm.analytics.sale.period', 'crm.analytics.sale.product',
                'crm.analytics.sale.category', 'crm.analytics.sale.owner',
                'crm.analytics.sale.team', 'crm.analytics.sale.industry',
                'crm.analytics.sale.customer']]
        reports += [('crm.analytics.sale.region', {'region_level': level})
            for level in ['province', 'city', 'district']]
        # the customers' orders of the period from the summary's customer
        # day rows
        reports += [('crm.analytics.customer.distribution',
                {'dimension': dimension})
            for dimension in ['province', 'industry']]
        reports += [(m, {}) for m in [
                'crm.analytics.customer.inactive',
                'crm.analytics.customer.rfm',
                'crm.analytics.leaderboard.employee',
                'crm.analytics.leaderboard.team']]
        measures = ['amount', 'amount_previous', 'amount_last_year',
            'quantity', 'number', 'margin', 'quotations',
            'quotations_confirmed', 'customers', 'new', 'ordering',
            'last_order', 'orders_12m', 'amount_12m', 'frequency',
            'monetary', 'r_score', 'f_score', 'm_score', 'segment',
            'sale_amount', 'orders']

        def figures(**extra):
            result = {}
            for model, report_context in reports:
                for i, ctx in enumerate(contexts):
                    rows = self._rows(model,
                        {**ctx, **report_context, **extra})
                    result[model, str(report_context), i] = {
                        k: tuple(getattr(r, m, None) for m in measures)
                        for k, r in rows.items()}
            return result

        def answers(user=None):
            with Transaction().set_context(company=company.id):
                if user is None:
                    return Summary.answers()
                with Transaction().set_user(user.id), \
                        Transaction().set_context(_check_access=True):
                    return Summary.answers()

        live = figures()
        self.assertFalse(answers(), "not built")
        Summary.refresh([company], rebuild=True)
        self.assertTrue(answers())
        self.assertTrue(Summary.search([], count=True))
        self.assertEqual(figures(), live)
        # for a CRM administrator, not for a representative, nor for one
        # owner's customers
        admin, = pool.get('res.user').create([{
                    'login': 'analytics_admin', 'name': "admin",
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [pool.get('ir.model.data').get_id(
                                    'crm_plus', 'group_crm_admin')])],
                    }])
        self.assertTrue(answers(admin))
        self.assertFalse(answers(data['users']['r1']))
        with Transaction().set_context(company=company.id, owner=r2.id):
            self.assertFalse(Summary.answers())

        # changes through the ORM mark their days dirty
        Party.write([c1], {'crm_owner': r2.id})
        address, = c2.addresses
        Address.write([address], {'subdivision': data['province'].id})
        s4 = data['sales']['s4']
        Sale.write([s4], {'state': 'draft'})
        Sale.write([s4], {'reference': "s4 again"})
        self.assertTrue(Dirty.search([], count=True))
        changed = figures(crm_analytics_live=True)
        self.assertNotEqual(changed, live)
        self.assertEqual(figures(), changed)
        # many dirty days: read in a subquery
        with mock.patch.object(summary, 'DIRTY_DATES_LISTED', 0):
            self.assertEqual(figures(), changed)
        Summary.refresh([company])
        self.assertEqual(Dirty.search([], count=True), 0)
        self.assertEqual(figures(), changed)

        # the cron rebuilds a day after the last rebuild, else refreshes
        Summary.refresh_cron()
        self.assertEqual(figures(), changed)


def eval_domain(encoded):
    from trytond.pyson import PYSONDecoder
    return PYSONDecoder().decode(encoded)
