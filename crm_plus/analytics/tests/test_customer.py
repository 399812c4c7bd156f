"""The customer analytics against the handmade records of tests/data.py,
as the administrator and as a representative."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from . import data

D = dt.date.fromisoformat


def ntile(values, buckets=5):
    "NTILE(buckets) of values ordered ascending: {index: tile}"
    order = sorted(range(len(values)), key=lambda i: values[i])
    size, extra = divmod(len(values), buckets)
    tiles, position = {}, 0
    for tile in range(1, buckets + 1):
        for _ in range(size + (1 if tile <= extra else 0)):
            if position < len(order):
                tiles[order[position]] = tile
                position += 1
    return tiles


class CustomerAnalyticsTestCase(unittest.TestCase):
    "Test the customer analytics"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def _orders(self, user=None):
        "The orders (confirmed, processing, done) the user may list"
        Sale = Pool().get('sale.sale')
        if user is not None:
            with Transaction().set_user(user.id), \
                    Transaction().set_context(_check_access=True):
                ids = [s.id for s in Sale.search([])]
        else:
            ids = [s.id for s in Sale.search([])]
        return [s for s in Sale.browse(ids)
            if s.state in {'confirmed', 'processing', 'done'}]

    @with_transaction()
    def test_distribution(self):
        "Customers by province and industry reconcile with the parties"
        d = data.setup()
        context = d['context']
        rows = data.rows('crm.analytics.customer.distribution', context)
        none = '（无）' if Transaction().language.startswith('zh') \
            else '(none)'
        self.assertEqual(
            {k: (r.customers, r.new, r.ordering, r.amount)
                for k, r in rows.items()},
            # c1 c3 c4 in Zhejiang, c1 c4 created in Q1, c1 ordered 350
            {'浙江省': (3, 2, 1, Decimal(350)),
                none: (1, 0, 1, Decimal(100))})
        self.assertAlmostEqual(rows['浙江省'].share, 0.75)
        parties = set(data.drill('crm.analytics.customer.distribution',
                context, rows['浙江省']))
        self.assertEqual({p.name for p in parties}, {'c1', 'c3', 'c4'})
        self.assertEqual(
            {p for p in d['customers'].values()
                if p.addresses[0].subdivision == d['province']}, parties)
        rows = data.rows('crm.analytics.customer.distribution',
            {**context, 'dimension': 'industry'})
        self.assertEqual({k: r.customers for k, r in rows.items()},
            {'制造业': 2, '零售业': 1, none: 1})
        rows = data.rows('crm.analytics.customer.distribution',
            {**context, 'dimension': 'lifecycle'})
        self.assertEqual(
            {r.lifecycle: r.customers for r in rows.values()},
            {'active': 2, 'lost': 1, 'potential': 1})

    @with_transaction()
    def test_time_zone(self):
        """Creation days are the company's: 20:00 UTC on 31 January is 1
        February in Shanghai"""
        d = data.setup()
        Party = Pool().get('party.party')
        company = d['company']
        c1 = d['customers']['c1']
        data.force(Party, c1,
            create_date=dt.datetime(2026, 1, 31, 20, 0))

        def new():
            rows = data.rows('crm.analytics.customer.period', d['context'])
            return {r.start_date: r.new for r in rows.values() if r.new}
        self.assertEqual(new(), {D('2026-01-01'): 1, D('2026-02-01'): 1})
        company.timezone = 'Asia/Shanghai'
        company.save()
        self.assertEqual(new(), {D('2026-02-01'): 2})
        self.assertIn(c1, data.drill('crm.analytics.customer.period',
                d['context'], [r for r in data.rows(
                        'crm.analytics.customer.period',
                        d['context']).values()
                    if r.start_date == D('2026-02-01')][0]))

    @with_transaction()
    def test_period(self):
        "New, first order, active and lost customers per month"
        d = data.setup()
        rows = data.rows('crm.analytics.customer.period', d['context'])
        self.assertEqual(
            {r.start_date: (r.new, r.first_order, r.ordering, r.lost)
                for r in rows.values()},
            {D('2026-01-01'): (1, 1, 1, 0),
                D('2026-02-01'): (1, 0, 1, 0),
                D('2026-03-01'): (0, 0, 2, 1)})
        # the active customers reconcile with the orders of each month
        for row in rows.values():
            self.assertEqual(row.ordering, len({s.party for s in
                        self._orders() if row.start_date <= s.sale_date
                        <= row.end_date}))
        # boundaries: a quarter from 2026-01-06 leaves c1 (created 01-05)
        rows = data.rows('crm.analytics.customer.period',
            {**d['context'], 'period': 'quarter',
                'from_date': D('2026-01-06')})
        row, = rows.values()
        self.assertEqual((row.new, row.first_order), (1, 1))
        self.assertEqual(
            {p.name for p in data.drill('crm.analytics.customer.period',
                    d['context'] | {'period': 'quarter',
                        'from_date': D('2026-01-06')}, row)}, {'c4'})

    @with_transaction()
    def test_inactive(self):
        "The customers without an order in N days"
        d = data.setup()
        rows = data.rows('crm.analytics.customer.inactive', d['context'])
        self.assertEqual(list(rows), ['c3'])
        row = rows['c3']
        self.assertEqual((row.last_order, row.days, row.orders_12m,
                row.amount_12m, row.employee),
            (D('2025-06-01'), 303, 1, Decimal(30), d['employees']['r1']))
        rows = data.rows('crm.analytics.customer.inactive',
            {**d['context'], 'inactive_days': 20})
        # c1's last order 2026-03-10 is 21 days before 03-31
        self.assertEqual(set(rows), {'c1', 'c3'})
        self.assertEqual(rows['c1'].amount_12m, Decimal(350))
        self.assertEqual(
            {p.name for p in data.drill('crm.analytics.customer.inactive',
                    {**d['context'], 'inactive_days': 20}, rows['c1'])},
            {'c1'})

    @with_transaction()
    def test_cohort(self):
        "The cohorts of the month of the first order and their retention"
        d = data.setup()
        context = {**d['context'], 'from_date': D('2025-01-01')}
        rows = data.rows('crm.analytics.customer.cohort', context)
        self.assertEqual(
            {k: (r.customers, r.month_1, r.month_3) for k, r in rows.items()},
            {'2025-06': (1, 0, 0), '2025-12': (1, 0, 1),
                '2026-01': (1, 1, 0)})
        self.assertEqual(rows['2025-12'].rate_3, 1.0)
        self.assertEqual(rows['2026-01'].rate_1, 1.0)
        # recomputed from the orders
        months = {}
        for sale in self._orders():
            months.setdefault(sale.party, set()).add(
                sale.sale_date.year * 12 + sale.sale_date.month)
        for row in rows.values():
            members = [p for p, m in months.items()
                if min(m) == row.id + 1]
            self.assertEqual(row.customers, len(members))
            for n in [1, 3, 6, 12]:
                self.assertEqual(getattr(row, f'month_{n}'), len(
                        [p for p in members
                            if min(months[p]) + n in months[p]]))
        self.assertEqual(
            {p.name for p in data.drill('crm.analytics.customer.cohort',
                    context, rows['2025-12'])}, {'c2'})

    def _rfm(self, rows, context, user=None):
        "The RFM scores recomputed from the orders of the period"
        figures = {}
        for sale in self._orders(user):
            if context['from_date'] <= sale.sale_date <= context['to_date']:
                last, number, amount = figures.get(sale.party, (None, 0, 0))
                amount += sum(
                    self._company_amount(sale, l) for l in sale.lines)
                figures[sale.party] = (
                    max(last, sale.sale_date) if last else sale.sale_date,
                    number + 1, amount)
        parties = sorted(figures, key=lambda p: p.id)
        scores = [ntile([(figures[p][i], p.id) for p in parties])
            for i in range(3)]
        expected = {p.name: (figures[p][1], figures[p][2],
                scores[0][n], scores[1][n], scores[2][n])
            for n, p in enumerate(parties)}
        self.assertEqual(
            {k: (r.frequency, r.monetary, r.r_score, r.f_score, r.m_score)
                for k, r in rows.items()}, expected)

    def _company_amount(self, sale, line):
        Currency = Pool().get('currency.currency')
        with Transaction().set_context(date=sale.sale_date):
            return Currency.compute(
                sale.currency, line.amount, sale.company.currency)

    @with_transaction()
    def test_rfm(self):
        "RFM quintiles and segments reconcile with the orders"
        d = data.setup()
        rows = data.rows('crm.analytics.customer.rfm', d['context'])
        self.assertEqual(set(rows), {'c1', 'c2'})
        self._rfm(rows, d['context'])
        c1 = rows['c1']
        self.assertEqual((c1.recency, c1.score, c1.segment),
            (21, '122', 'hibernating'))
        self.assertEqual(rows['c2'].recency, 3)

    @with_transaction()
    def test_representative(self):
        "A representative's figures are those of their own customers"
        d = data.setup()
        user = d['users']['r1']
        rows = data.rows('crm.analytics.customer.distribution',
            d['context'], user)
        self.assertEqual({k: (r.customers, r.amount, r.share)
                for k, r in rows.items()},
            {'浙江省': (2, Decimal(350), 1.0)})
        self.assertEqual(
            {p.name for p in data.drill(
                    'crm.analytics.customer.distribution', d['context'],
                    rows['浙江省'], user)}, {'c1', 'c3'})
        rows = data.rows('crm.analytics.customer.period', d['context'],
            user)
        self.assertEqual(
            {r.start_date: (r.new, r.ordering) for r in rows.values()},
            {D('2026-01-01'): (1, 1), D('2026-02-01'): (0, 1),
                D('2026-03-01'): (0, 1)})
        rows = data.rows('crm.analytics.customer.rfm', d['context'], user)
        self.assertEqual(set(rows), {'c1'})
        self._rfm(rows, d['context'], user)
        rows = data.rows('crm.analytics.customer.cohort',
            {**d['context'], 'from_date': D('2025-01-01')}, user)
        self.assertEqual(set(rows), {'2025-06', '2026-01'})
