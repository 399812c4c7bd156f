"""Churn prediction against handmade and generated order histories."""
import datetime as dt
import math
import random
import unittest
from decimal import Decimal
from unittest.mock import patch

from sql import Column

from trytond.model.exceptions import AccessError, DomainValidationError
from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .. import churn as churn_module
from ...tests.tools import CrmPlusDatabase

TODAY = dt.date(2026, 12, 1)
CUTOFF = TODAY - dt.timedelta(days=180)


class History:
    "Writes customers and their sales fast: clones of one ORM sale in SQL"

    def __init__(self, company):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        self.company = company
        unit, = Uom.search([('symbol', '=', 'u')], limit=1)
        template, = Template.create([{
                    'name': "Product", 'default_uom': unit.id,
                    'salable': True, 'sale_uom': unit.id,
                    'products': [('create', [{}])],
                    }])
        self.product, = template.products
        Party = pool.get('party.party')
        party, = Party.create([{'name': "Template"}])
        with set_company(company):
            self.template, = Sale.create([{
                        'party': party.id,
                        'company': company.id,
                        'currency': company.currency.id,
                        'lines': [('create', [{
                                        'type': 'line',
                                        'product': self.product.id,
                                        'unit': unit.id,
                                        'quantity': 1,
                                        'unit_price': Decimal(1),
                                        'description': "Product",
                                        }])],
                        }])
        self.count = 0

    @staticmethod
    def _row(table, where):
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(where=where))
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone()))

    def sales(self, specs, state='done'):
        "Create the sales of specs: (party id, date, amount) each"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        cursor = Transaction().connection.cursor()
        sale, line = Sale.__table__(), Line.__table__()
        template = self._row(sale, sale.id == self.template.id)
        template_line = self._row(line, line.sale == self.template.id)
        for row in [template, template_line]:
            del row['id']
        start = self.count
        rows = []
        for i, (party, date, _) in enumerate(specs, start):
            rows.append(dict(template, party=party, sale_date=date,
                    state=state, reference=f'gen-{i}'))
        self.count += len(specs)
        names = list(template)
        query, params = tuple(sale.insert(
                [Column(sale, n) for n in names],
                [[rows[0][n] for n in names]]))
        cursor.executemany(query, [[r[n] for n in names] for r in rows])
        cursor.execute(*sale.select(sale.id, sale.reference,
                where=sale.reference.like('gen-%')))
        ids = dict((r, i) for i, r in cursor)
        names = list(template_line)
        lines = [dict(template_line, sale=ids[f'gen-{i}'], quantity=1,
                unit_price=Decimal(str(round(amount, 2))))
            for i, (_, _, amount) in enumerate(specs, start)]
        query, params = tuple(line.insert(
                [Column(line, n) for n in names],
                [[lines[0][n] for n in names]]))
        cursor.executemany(query, [[r[n] for n in names] for r in lines])


def generate(history, parties, signal, seed):
    """Orders of the parties over the 540 days before the cut-off and the
    180 after; return the parties meant to churn. With signal, a churner
    stops ordering 60 to 200 days before the cut-off; without, whether a
    customer orders after the cut-off is a coin toss"""
    rng = random.Random(seed)
    specs, churners = [], set()
    for party in parties:
        rate = rng.uniform(1 / 60, 1 / 20)
        churn = rng.random() < 0.4
        if signal:
            stop = (CUTOFF - dt.timedelta(days=rng.randint(60, 200))
                if churn else TODAY)
        else:
            stop = CUTOFF if churn else TODAY
        # always an order in the year before the cut-off: an active customer
        dates = [CUTOFF - dt.timedelta(days=rng.randint(1, 360))]
        if signal and churn:
            dates = [stop]
        day = CUTOFF - dt.timedelta(days=540)
        while True:
            day += dt.timedelta(days=max(1, int(rng.expovariate(rate))))
            if day >= stop:
                break
            dates.append(day)
        if not churn and not any(d >= CUTOFF for d in dates):
            dates.append(CUTOFF + dt.timedelta(days=rng.randint(0, 170)))
        if churn:
            churners.add(party.id)
        for date in dates:
            specs.append((party.id, date, rng.uniform(100, 1000)))
    history.sales(specs)
    return churners


class ChurnTestCase(CrmPlusDatabase, unittest.TestCase):
    "Test the churn model"

    def today(self):
        Model = Pool().get('crm.churn.model')
        return patch.object(Model, '_today', return_value=TODAY)

    def users(self, company):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        employees, users = [], []
        for login in ['churn_rep1', 'churn_rep2']:
            employee = create_employee(company, login)
            user, = User.create([{
                        'login': login,
                        'name': login,
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [employee.id])],
                        'employee': employee.id,
                        'groups': [('add', [ModelData.get_id(
                                        'crm_plus', 'group_sales_rep')])],
                        }])
            employees.append(employee)
            users.append(user)
        return employees, users

    def customers(self, n, owners=(), lifecycle='active'):
        """n customers: the first created through the ORM, the others copies
        of its row in SQL (the ORM's checks took a minute a thousand)"""
        Party = Pool().get('party.party')

        def owner(i):
            return owners[i % len(owners)].id if owners else None
        first, = Party.create([{
                    'name': "客户 0",
                    'crm_kind': 'enterprise',
                    'crm_lifecycle': lifecycle,
                    'crm_owner': owner(0),
                    }])
        table = Party.__table__()
        cursor = Transaction().connection.cursor()
        row = History._row(table, table.id == first.id)
        del row['id']
        rows = [dict(row, name=f"客户 {i}", code=f"{row['code']}-{i}",
                crm_owner=owner(i)) for i in range(1, n)]
        names = list(row)
        if rows:
            query, _ = tuple(table.insert(
                    [Column(table, c) for c in names],
                    [[row[c] for c in names]]))
            cursor.executemany(query, [[r[c] for c in names] for r in rows])
        cursor.execute(*table.select(table.id,
                where=(table.id == first.id)
                | table.code.like(f"{row['code']}-%"),
                order_by=[table.id.asc]))
        return Party.browse([i for i, in cursor])

    @with_transaction()
    def test_features(self):
        "The features and the label of a handmade customer"
        pool = Pool()
        Interaction = pool.get('crm.interaction')
        Ticket = pool.get('crm.ticket')
        from ..churn import features
        company = create_company()
        with set_company(company):
            history = History(company)
            party, other = self.customers(2)
            d = dt.timedelta
            history.sales([
                    (party.id, TODAY - d(10), 100),
                    (party.id, TODAY - d(100), 30),
                    (party.id, TODAY - d(200), 20),
                    (party.id, TODAY - d(400), 1000),
                    (party.id, TODAY + d(10), 5),
                    (other.id, TODAY - d(1000), 10),
                    ])
            history.sales([(party.id, TODAY - d(5), 70)], state='draft')
            history.sales([(party.id, TODAY - d(6), 70)], state='cancelled')
            now = dt.datetime.combine(TODAY, dt.time())
            Interaction.create([{
                        'company': company.id, 'party': party.id,
                        'type': 'call', 'direction': 'outbound',
                        'subject': subject, 'date': now - d(days),
                        } for subject, days in [
                        ("recent", 20), ("old", 120), ("future", -1)]])
            tickets = Ticket.create([{
                        'party': party.id, 'subject': s,
                        } for s in ["open", "resolved", "late", "cancel"]])
            table = Ticket.__table__()
            cursor = Transaction().connection.cursor()
            for ticket, state, created, resolved in zip(tickets, [
                        'in_progress', 'resolved', 'resolved', 'cancelled'],
                    [3, 30, 30, 3], [None, 20, -2, None]):
                cursor.execute(*table.update(
                        [table.state, table.create_date, table.resolved_date],
                        [state, now - d(created),
                            now - d(resolved) if resolved is not None
                            else None],
                        where=table.id == ticket.id))

        rows = features(company.id, TODAY)
        self.assertEqual(set(rows), {party.id, other.id})
        row = rows[party.id]
        self.assertEqual(row['recency'], 10)
        self.assertEqual(row['orders_90'], 1)
        self.assertEqual(row['orders_365'], 3)
        self.assertAlmostEqual(row['amount_180'], 130)
        self.assertAlmostEqual(
            row['amount_trend'], math.log1p(130) - math.log1p(20))
        self.assertEqual(row['interactions_90'], 1)
        # open now, and resolved only after the date
        self.assertEqual(row['open_tickets'], 2)
        self.assertEqual(row['future_orders'], 0)
        self.assertEqual(rows[other.id]['recency'], 730)
        self.assertEqual(rows[other.id]['orders_365'], 0)
        # with a horizon: the orders after the date
        rows = features(company.id, TODAY, horizon=30)
        self.assertEqual(rows[party.id]['future_orders'], 1)
        self.assertEqual(rows[party.id]['recency'], 10)
        # a year earlier: the order of 400 days ago is 35 days old
        rows = features(company.id, TODAY - d(365))
        self.assertEqual(set(rows), {party.id, other.id})
        self.assertEqual(rows[party.id]['recency'], 35)
        self.assertEqual(rows[party.id]['open_tickets'], 0)
        # another company's sales are not this company's history
        self.assertEqual(features(create_company().id, TODAY), {})

    @with_transaction()
    def test_signal(self):
        "A planted signal is learnt (AUC > 0.8), the churners flagged"
        pool = Pool()
        Model = pool.get('crm.churn.model')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company), self.today():
            history = History(company)
            parties = self.customers(800)
            churners = generate(history, parties, signal=True, seed=1)
            self.assertIsNone(Model.latest(company.id))
            model = Model.train(company.id)
            self.assertEqual(model.version, 1)
            self.assertEqual(model.cutoff_date, CUTOFF)
            self.assertEqual(model.rows, 800)
            self.assertEqual(model.positives, len(churners))
            self.assertEqual(model.holdout_rows, 200)
            self.assertGreater(model.auc, 0.8)
            fitted = model.fitted
            self.assertEqual(set(fitted), {
                    'features', 'mean', 'scale', 'coef', 'intercept'})
            weights = dict(zip(fitted['features'], fitted['coef']))
            self.assertGreater(weights['recency'], 0.5)

            # one lost churner stays lost, one potential is not scored
            lost, potential = [p for p in parties if p.id in churners][:2]
            Party.write([lost], {'crm_lifecycle': 'lost',
                    'crm_lost_reason': "Moved", 'crm_lost_date': TODAY})
            Party.write([potential], {'crm_lifecycle': 'potential'})
            Configuration = pool.get('crm.configuration')
            Configuration.write([Configuration(1)], {'churn_threshold': 0.6})
            # flagged a few customers at a time, none forgotten
            with patch.object(churn_module, 'WRITE_SLICE', 7):
                at_risk = model.score()
            at_risk_ids = {p.id for p in at_risk}
            parties = Party.browse([p.id for p in parties])
            scored = [p for p in parties if p.crm_churn_score is not None]
            self.assertEqual(len(scored), 798)
            self.assertIsNone(Party(potential.id).crm_churn_score)
            self.assertIsNone(Party(lost.id).crm_churn_score)
            self.assertEqual(Party(lost.id).crm_lifecycle, 'lost')
            # the churners (ordering stopped) are the risky ones
            flagged = at_risk_ids & churners
            self.assertGreater(len(flagged), 0.8 * (len(churners) - 2))
            self.assertLess(len(at_risk_ids - churners),
                0.15 * (len(parties) - len(churners)))
            from sklearn.metrics import roc_auc_score
            self.assertGreater(roc_auc_score(
                    [int(p.id in churners) for p in scored],
                    [p.crm_churn_score for p in scored]), 0.9)
            for party in parties:
                if party.id in at_risk_ids:
                    self.assertGreaterEqual(party.crm_churn_score, 0.6)
                    self.assertEqual(party.crm_lifecycle, 'at_risk')
                    self.assertTrue(party.crm_churn_at_risk)
                elif party.crm_churn_score is not None:
                    self.assertLess(party.crm_churn_score, 0.6)
                    self.assertEqual(party.crm_lifecycle, 'active')
                    self.assertFalse(party.crm_churn_at_risk)
            riskiest = max(scored, key=lambda p: p.crm_churn_score)
            self.assertIn("Days since the last order",
                riskiest.crm_churn_factors.splitlines()[0])
            self.assertTrue(riskiest.crm_churn_factors.startswith('+'))
            self.assertEqual(
                set(Party.search([('crm_churn_at_risk', '=', True)])),
                set(at_risk))
            self.assertEqual(
                len(Party.search([('crm_churn_at_risk', '=', False)])),
                len(Party.search([])) - len(at_risk))

            # retraining makes a new active version, the old one archived
            model2 = Model.train(company.id)
            self.assertEqual(model2.version, 2)
            self.assertEqual(Model.search([]), [model2])
            self.assertFalse(Model(model.id).active)

            # the crons
            Model.train_all()
            Model.score_all()
            self.assertEqual(Model.latest(company.id).version, 3)

    @with_transaction()
    def test_noise(self):
        "Without a signal the hold-out AUC is chance"
        Model = Pool().get('crm.churn.model')
        company = create_company()
        with set_company(company), self.today():
            history = History(company)
            parties = self.customers(1200)
            generate(history, parties, signal=False, seed=2)
            model = Model.train(company.id)
            self.assertEqual(model.rows, 1200)
            self.assertTrue(0.4 < model.auc < 0.6, model.auc)

    @with_transaction()
    def test_short_history(self):
        "No model on too short a history"
        Model = Pool().get('crm.churn.model')
        company = create_company()
        with set_company(company), self.today():
            history = History(company)
            parties = self.customers(15)
            generate(history, parties, signal=True, seed=3)
            self.assertIsNone(Model.train(company.id))
            Model.train_all()
            Model.score_all()
            self.assertEqual(Model.search([], count=True), 0)

    @with_transaction()
    def test_threshold(self):
        "The threshold is a probability"
        Configuration = Pool().get('crm.configuration')
        config = Configuration(1)
        self.assertEqual(config.churn_threshold, 0.6)
        for value in [0, 1.5]:
            with self.assertRaises(DomainValidationError):
                Configuration.write([config], {'churn_threshold': value})

    @with_transaction()
    def test_representative_sees_own(self):
        "A representative reads the scores of their own customers only"
        pool = Pool()
        Model = pool.get('crm.churn.model')
        Party = pool.get('party.party')
        company = create_company()
        employees, users = self.users(company)
        with set_company(company), self.today():
            history = History(company)
            parties = self.customers(200, owners=employees)
            generate(history, parties, signal=True, seed=4)
            Model.train(company.id).score()
        own = {p.id for p in parties if p.crm_owner == employees[0]}
        others = [p.id for p in parties if p.id not in own]
        at_risk = {p.id for p in Party.search([
                    ('crm_churn_at_risk', '=', True)])}
        self.assertTrue(at_risk - own)
        with Transaction().set_user(users[0].id), \
                Transaction().set_context(
                    _check_access=True, company=company.id):
            rows = Party.search_read(
                [('crm_churn_score', '!=', None)],
                fields_names=['crm_churn_score', 'crm_churn_factors'])
            self.assertEqual({r['id'] for r in rows}, own)
            self.assertTrue(all(r['crm_churn_factors'] for r in rows))
            listed = {p.id for p in Party.search([
                        ('crm_churn_at_risk', '=', True)])}
            self.assertEqual(listed, at_risk & own)
            with self.assertRaises(AccessError):
                Party.read(others[:1], ['crm_churn_score'])
            # the models and their AUC are readable
            self.assertEqual(len(Model.search([])), 1)
