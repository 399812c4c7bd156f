"""Churn prediction: a churn-risk score per active customer from the
company's own history, by a logistic regression (scikit-learn, see
crm_plus/prediction.py) trained weekly and applied daily by crons.

Features of a customer at a date D, computed in SQL, one query per group:

- orders (the confirmed, processing and done sales and their lines): days
  since the last order, orders in the last 90 and 365 days, the amount of
  the last 180 days and its trend against the 180 days before;
- interactions logged in the last 90 days (crm.interaction);
- tickets open at D (crm.ticket).

Training: the customers active at a cut-off date T (an order in the year
before T, T 180 days before today), labelled churned when they did not
order in the 180 days after T. Scoring: the features today of the active
and at-risk customers; those at or above the configured threshold are at
risk, and an active one's lifecycle goes to at risk (a lost customer stays
lost). Nothing leaves the server: the model is stored as JSON."""
import datetime as dt
import json
import logging
import math
import time

from sql import Literal, Null
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case, Coalesce

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Equal, Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .. import prediction
from ..customer.party import SALE_DONE_STATES
from ..framework import WRITE_SLICE

logger = logging.getLogger(__name__)

#: the features, in the order of the model's vectors
FEATURES = [
    'recency', 'orders_90', 'orders_365', 'amount_180', 'amount_trend',
    'interactions_90', 'open_tickets']
#: days since the last order of a customer who never ordered before D
MAX_RECENCY = 730
HORIZON = 180
MIN_CLASS_ROWS = 10
TOP_FACTORS = 3
SLICE = 1000
SCORED_LIFECYCLES = ['active', 'at_risk']
TICKET_DONE_STATES = ['resolved', 'closed']


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    churn_threshold = fields.Float(
        "Churn Risk Threshold", required=True, digits=(16, 2),
        domain=[
            ('churn_threshold', '>', 0),
            ('churn_threshold', '<=', 1),
            ],
        help="A customer whose predicted churn risk (0-1) reaches it is "
        "at risk.")

    @classmethod
    def default_churn_threshold(cls):
        return 0.6


def _datetime(date):
    return dt.datetime.combine(date, dt.time())


def _date(value):
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return value


def features(company_id, date, horizon=None):
    """The feature rows {party id: {feature: raw value}} of the customers
    of the company who ordered before date; with horizon (days), each row
    also has 'future_orders', the orders from date to date + horizon"""
    pool = Pool()
    Sale = pool.get('sale.sale')
    Line = pool.get('sale.line')
    Interaction = pool.get('crm.interaction')
    Ticket = pool.get('crm.ticket')
    cursor = Transaction().connection.cursor()
    sale = Sale.__table__()
    line = Line.__table__()
    interaction = Interaction.__table__()
    ticket = Ticket.__table__()

    def days(n):
        return date - dt.timedelta(days=n)

    def count_sales(condition):
        return Count(Case((condition, sale.id)), distinct=True)

    def amount(condition):
        return Sum(Case((condition, Coalesce(line.quantity, 0)
                    * Coalesce(line.unit_price, 0)), else_=0))

    before = sale.sale_date < date
    columns = [
        sale.party,
        Max(Case((before, sale.sale_date))),
        count_sales(before & (sale.sale_date >= days(90))),
        count_sales(before & (sale.sale_date >= days(365))),
        amount(before & (sale.sale_date >= days(180))),
        amount(before & (sale.sale_date >= days(360))
            & (sale.sale_date < days(180))),
        ]
    where = ((sale.company == company_id)
        & sale.state.in_(SALE_DONE_STATES)
        & (sale.sale_date != Null))
    if horizon:
        end = date + dt.timedelta(days=horizon)
        columns.append(count_sales(
                (sale.sale_date >= date) & (sale.sale_date < end)))
        where &= sale.sale_date < end
    else:
        columns.append(Literal(0))
        where &= before
    # the lines of a sale: the amounts; a sale without lines still counts
    cursor.execute(*sale.join(line, 'LEFT', condition=(
                (line.sale == sale.id) & (line.type == 'line'))).select(
            *columns, where=where, group_by=[sale.party]))
    rows = {}
    for party, last, o90, o365, a180, a_prev, future in cursor:
        last = _date(last)
        if last is None:
            continue
        a180, a_prev = float(a180 or 0), float(a_prev or 0)
        rows[party] = {
            'recency': min((date - last).days, MAX_RECENCY),
            'orders_90': o90,
            'orders_365': o365,
            'amount_180': a180,
            'amount_trend': (
                math.log1p(max(a180, 0)) - math.log1p(max(a_prev, 0))),
            'interactions_90': 0,
            'open_tickets': 0,
            'future_orders': future,
            }

    cursor.execute(*interaction.select(
            interaction.party, Count(interaction.id),
            where=(interaction.company == company_id)
            & (interaction.date >= _datetime(days(90)))
            & (interaction.date < _datetime(date)),
            group_by=[interaction.party]))
    for party, count in cursor:
        if party in rows:
            rows[party]['interactions_90'] = count

    # open at date: created before and not resolved by then
    start = _datetime(date)
    cursor.execute(*ticket.select(
            ticket.party, Count(ticket.id),
            where=(ticket.company == company_id)
            & (ticket.party != Null)
            & (ticket.state != 'cancelled')
            & (ticket.create_date < start)
            & (((ticket.resolved_date == Null)
                    & ~ticket.state.in_(TICKET_DONE_STATES))
                | (ticket.resolved_date >= start)),
            group_by=[ticket.party]))
    for party, count in cursor:
        if party in rows:
            rows[party]['open_tickets'] = count
    return rows


def vectorize(rows):
    "The matrix of the feature rows (counts and amounts in log)"
    import numpy as np
    X = np.zeros((len(rows), len(FEATURES)))
    for r, row in enumerate(rows):
        for i, name in enumerate(FEATURES):
            value = row[name]
            if name != 'amount_trend':
                value = math.log1p(max(value, 0))
            X[r, i] = value
    return X


def feature_labels():
    "The translated names of the features"
    return {n: gettext(f'crm_plus.msg_churn_feature_{n}') for n in FEATURES}


def feature_text(label, name, row):
    "The text of a feature of a row: 'Days since last order: 35'"
    value = row[name]
    if name == 'amount_180':
        value = f'{value:,.2f}'
    elif name == 'amount_trend':
        value = f'{math.expm1(value) * 100:+.0f}%' if value > -20 else '-100%'
    return '%s: %s' % (label, value)


class ChurnModel(DeactivableMixin, ModelSQL, ModelView):
    "A churn model fitted on the order history of a company"
    __name__ = 'crm.churn.model'
    __string__ = "Churn Model"

    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    version = fields.Integer("Version", required=True, readonly=True)
    trained_at = fields.DateTime("Trained At", required=True, readonly=True)
    cutoff_date = fields.Date("Cut-off Date", required=True, readonly=True,
        help="The customers active in the year before it are labelled by "
        "whether they ordered in the 180 days after it.")
    rows = fields.Integer("Rows", required=True, readonly=True,
        help="The customers active at the cut-off date it learnt from.")
    positives = fields.Integer("Churned", readonly=True,
        help="The customers of the rows who did not order in the 180 days "
        "after the cut-off date.")
    holdout_rows = fields.Integer("Hold-out Rows", readonly=True)
    auc = fields.Float("Hold-out AUC", digits=(16, 4), readonly=True,
        help="The area under the ROC curve on the rows kept out of the "
        "training: 0.5 is chance, 1 a perfect ranking.")
    duration = fields.Float("Training Seconds", digits=(16, 2),
        readonly=True)
    parameters = fields.Text("Coefficients", readonly=True,
        help="The fitted model as JSON: the features, their scaling, "
        "coefficients and intercept.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_version_unique', Unique(t, t.company, t.version),
                'crm_plus.msg_churn_model_unique'),
            ]
        cls._order = [
            ('company', 'ASC'), ('version', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'v{self.version} ({self.auc or 0:.2f})'

    @property
    def fitted(self):
        return json.loads(self.parameters)

    @classmethod
    def latest(cls, company_id):
        models = cls.search([('company', '=', company_id)],
            order=[('version', 'DESC')], limit=1)
        return models[0] if models else None

    @classmethod
    def _today(cls):
        "The date the models train and score at (the tests set it)"
        return Pool().get('ir.date').today()

    @classmethod
    def train(cls, company_id, date=None, test_size=0.25, random_state=0):
        """Fit the churn model of the company on the customers active at
        date - 180 days and store it as the new active version; None when
        the history is too short"""
        import numpy as np
        start = time.perf_counter()
        date = date or cls._today()
        cutoff = date - dt.timedelta(days=HORIZON)
        rows = [r for r in features(company_id, cutoff, HORIZON).values()
            if r['orders_365']]
        labels = np.array([int(not r['future_orders']) for r in rows])
        positives = int(labels.sum())
        if (positives < MIN_CLASS_ROWS
                or len(rows) - positives < MIN_CLASS_ROWS):
            logger.info("company %s: too short a history to train churn "
                "(%s rows, %s churned)", company_id, len(rows), positives)
            return None
        fitted, auc, holdout_rows = prediction.fit(
            vectorize(rows), labels, test_size=test_size,
            random_state=random_state)
        previous = cls.latest(company_id)
        cls.write(cls.search([('company', '=', company_id)]),
            {'active': False})
        model, = cls.create([{
                    'company': company_id,
                    'version': (previous.version + 1) if previous else 1,
                    'trained_at': dt.datetime.now(),
                    'cutoff_date': cutoff,
                    'rows': len(rows),
                    'positives': positives,
                    'holdout_rows': holdout_rows,
                    'auc': round(auc, 4),
                    'duration': round(time.perf_counter() - start, 2),
                    'parameters': json.dumps(
                        {'features': FEATURES, **fitted}),
                    }])
        return model

    def score(self, date=None):
        """Store the churn risk and its top factors on the company's active
        and at-risk customers, flag those at the threshold at risk and
        return them"""
        pool = Pool()
        Party = pool.get('party.party')
        Configuration = pool.get('crm.configuration')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        date = date or self._today()
        threshold = Configuration(1).churn_threshold
        party = Party.__table__()
        rows = features(self.company.id, date)
        scored = (party.crm_kind != Null) & party.crm_lifecycle.in_(
            SCORED_LIFECYCLES)
        # the customers lost since (or no longer customers) lose their score
        cursor.execute(*party.update(
                [party.crm_churn_score, party.crm_churn_factors],
                [Null, Null],
                where=(party.crm_churn_score != Null) & (
                    (party.crm_kind == Null) | (party.crm_lifecycle == Null)
                    | ~party.crm_lifecycle.in_(SCORED_LIFECYCLES))))
        cursor.execute(*party.select(party.id, where=scored))
        ids = [i for i, in cursor if i in rows]
        parameters = self.fitted
        sql, _ = tuple(party.update(
                [party.crm_churn_score, party.crm_churn_factors],
                [0., ''], where=party.id == 0))
        at_risk = []
        labels = feature_labels()
        for sub_ids in grouped_slice(ids, SLICE):
            sub_ids = list(sub_ids)
            sub_rows = [rows[i] for i in sub_ids]
            X = vectorize(sub_rows)
            probabilities = prediction.predict(parameters, X)
            terms = prediction.contributions(parameters, X)
            values = []
            for id_, row, p, term in zip(
                    sub_ids, sub_rows, probabilities, terms):
                factors = prediction.top_factors(
                    parameters['features'], term,
                    lambda name: feature_text(labels[name], name, row),
                    top=TOP_FACTORS)
                values.append([round(float(p), 4), factors, id_])
                if p >= threshold:
                    at_risk.append(id_)
            cursor.executemany(sql, values)
        transaction.counter += 1
        for cache in transaction.cache.values():
            cache.pop(Party.__name__, None)
        # by slices (see WRITE_SLICE)
        for sub_ids in grouped_slice(at_risk, WRITE_SLICE):
            to_flag = Party.search([
                    ('id', 'in', list(sub_ids)),
                    ('crm_lifecycle', '=', 'active'),
                    ])
            if to_flag:
                Party.write(to_flag, {'crm_lifecycle': 'at_risk'})
        return [p for sub_ids in grouped_slice(at_risk, WRITE_SLICE)
            for p in Party.browse(sub_ids)]

    @classmethod
    def train_all(cls):
        "Cron: retrain the churn model of every company"
        Company = Pool().get('company.company')
        for company in Company.search([]):
            with Transaction().set_context(company=company.id):
                cls.train(company.id)

    @classmethod
    def score_all(cls):
        "Cron: score the customers with the latest model of every company"
        Company = Pool().get('company.company')
        for company in Company.search([]):
            with Transaction().set_context(company=company.id):
                model = cls.latest(company.id)
                if model:
                    model.score()


# the customers the model has not scored (no order history) show no risk
_UNSCORED = {'invisible': Equal(Eval('crm_churn_score', None), None)}


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    crm_churn_score = fields.Float(
        "Churn Risk", digits=(16, 3), readonly=True,
        states=_UNSCORED,
        help="The predicted chance (0-1) that the customer stops ordering "
        "in the next 180 days, from the latest churn model.")
    crm_churn_factors = fields.Text(
        "Churn Factors", readonly=True,
        states=_UNSCORED,
        help="The features that moved the churn risk most.")
    crm_churn_at_risk = fields.Function(
        fields.Boolean("Churn Risk above Threshold"),
        'get_crm_churn_at_risk', searcher='search_crm_churn_at_risk')

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('crm_churn_score', None)
        default.setdefault('crm_churn_factors', None)
        return super().copy(parties, default=default)

    @classmethod
    def get_crm_churn_at_risk(cls, parties, name):
        threshold = Pool().get('crm.configuration')(1).churn_threshold
        return {p.id: p.crm_churn_score is not None
            and p.crm_churn_score >= threshold for p in parties}

    @classmethod
    def search_crm_churn_at_risk(cls, name, clause):
        threshold = Pool().get('crm.configuration')(1).churn_threshold
        _, operator, value = clause
        at_risk = [('crm_churn_score', '>=', threshold)]
        if (operator == '=') == bool(value):
            return at_risk
        return ['OR',
            ('crm_churn_score', '=', None),
            ('crm_churn_score', '<', threshold),
            ]


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('crm.churn.model|train_all', "Retrain Churn Prediction"),
                ('crm.churn.model|score_all', "Score Customers' Churn Risk"),
                ])
