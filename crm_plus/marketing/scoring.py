"""Lead scoring: points from configurable rules on the lead's attributes and
behaviour (decaying with a half-life), a grade A-D, and a predicted
probability from a model trained on the company's own history of converted
and lost leads and opportunities. Everything is computed on the server."""
import datetime as dt
import json
import logging
import math
import time
from collections import defaultdict

from sql import Null
from sql.aggregate import Count
from sql.conditionals import Coalesce
from sql.functions import Lower
from sql.operators import Exists

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields,
    sequence_ordered)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .. import prediction
from ..customer.party import HEADCOUNTS
from ..framework import WRITE_SLICE, search_ids
from ..text_input import TextInputMixin

logger = logging.getLogger(__name__)

ATTRIBUTES = [
    ('industry', "Industry"),
    ('headcount', "Company Size"),
    ('subdivision', "Province"),
    ('source', "Source"),
    ]
BEHAVIOURS = [
    ('opened', "Opened a Campaign E-mail"),
    ('clicked', "Clicked a Campaign Link"),
    ('visited', "Visited a Tracked Link"),
    ('form', "Filled a Form"),
    ]
BEHAVIOUR_KINDS = [k for k, _ in BEHAVIOURS]
GRADES = [
    (None, ""),
    ('A', "A"),
    ('B', "B"),
    ('C', "C"),
    ('D', "D"),
    ]
OPEN_STATES = ['new', 'working', 'qualified']
NUMERIC_FEATURES = BEHAVIOUR_KINDS + [
    'orders', 'order_amount', 'invoice_amount']
CATEGORICAL_FEATURES = ['source', 'industry', 'headcount', 'subdivision']
MIN_CATEGORY_ROWS = 5
MIN_CLASS_ROWS = 10
TOP_FACTORS = 3
SLICE = 1000


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    lead_score_half_life = fields.Integer(
        "Score Half-Life",
        domain=['OR',
            ('lead_score_half_life', '=', None),
            ('lead_score_half_life', '>', 0),
            ],
        help="The points of a behaviour halve after so many days; "
        "empty: they do not decay.")
    lead_grade_a = fields.Float(
        "Grade A from", required=True,
        help="The lowest score of grade A.")
    lead_grade_b = fields.Float(
        "Grade B from", required=True,
        help="The lowest score of grade B.")
    lead_grade_c = fields.Float(
        "Grade C from", required=True,
        help="The lowest score of grade C; below it: D.")
    lead_qualify_score = fields.Float(
        "Qualify from Score",
        help="A lead whose score reaches it is qualified; empty: never.")
    lead_qualify_probability = fields.Float(
        "Qualify from Probability",
        domain=['OR',
            ('lead_qualify_probability', '=', None),
            [
                ('lead_qualify_probability', '>', 0),
                ('lead_qualify_probability', '<=', 1),
                ],
            ],
        help="A lead whose predicted probability (0-1) reaches it is "
        "qualified; empty: never.")
    lead_behaviour_since = fields.DateTime(
        "Campaign Responses Read Until", readonly=True,
        help="The opens and clicks of campaign recipients are read into "
        "the leads' scores from this time on.")

    @classmethod
    def default_lead_score_half_life(cls):
        return 30

    @classmethod
    def default_lead_grade_a(cls):
        return 60.

    @classmethod
    def default_lead_grade_b(cls):
        return 30.

    @classmethod
    def default_lead_grade_c(cls):
        return 10.

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if field_names & {'lead_grade_a', 'lead_grade_b', 'lead_grade_c'}:
            for record in records:
                if not (record.lead_grade_a >= record.lead_grade_b
                        >= record.lead_grade_c):
                    raise ValidationError(
                        gettext('crm_plus.msg_lead_grade_order'))


class ScoringRule(
        TextInputMixin, sequence_ordered(), DeactivableMixin, ModelSQL,
        ModelView):
    "Points given to a lead for an attribute or a behaviour"
    __name__ = 'crm.lead.scoring.rule'
    __string__ = "Lead Scoring Rule"

    name = fields.Char("Name", required=True)
    kind = fields.Selection(ATTRIBUTES + BEHAVIOURS, "Criterion",
        required=True, sort=False)
    industry = fields.Many2One('crm.industry', "Industry",
        states={
            'invisible': Eval('kind') != 'industry',
            'required': Eval('kind') == 'industry',
            })
    headcount = fields.Selection(HEADCOUNTS, "Company Size", sort=False,
        states={
            'invisible': Eval('kind') != 'headcount',
            'required': Eval('kind') == 'headcount',
            })
    subdivision = fields.Many2One('country.subdivision', "Province",
        domain=[('country.code', '=', 'CN'), ('parent', '=', None)],
        states={
            'invisible': Eval('kind') != 'subdivision',
            'required': Eval('kind') == 'subdivision',
            })
    source = fields.Many2One('crm.customer.source', "Source",
        states={
            'invisible': Eval('kind') != 'source',
            'required': Eval('kind') == 'source',
            })
    points = fields.Float("Points", required=True,
        help="Negative points lower the score. The points of a behaviour "
        "decay with the configured half-life.")

    @classmethod
    def default_points(cls):
        return 10.

    def matches(self, lead):
        "Whether the attribute rule applies to the lead (a row dict)"
        column, value, _ = self.scoring_condition()
        return column is not None and lead[column] == value

    def scoring_condition(self):
        """(column of the feature row, value, points) of an attribute rule;
        column is None for a behaviour rule"""
        if self.kind == 'headcount':
            return 'headcount', self.headcount, self.points
        elif self.kind in {'industry', 'subdivision', 'source'}:
            record = getattr(self, self.kind)
            return self.kind, record.id if record else None, self.points
        return None, None, self.points


class ScoreEvent(ModelSQL, ModelView):
    "A behaviour of a lead that gave it points"
    __name__ = 'crm.lead.score.event'
    __string__ = "Lead Score Event"

    lead = fields.Many2One('crm.lead', "Lead", required=True,
        ondelete='CASCADE', readonly=True)
    kind = fields.Selection(BEHAVIOURS, "Behaviour", required=True,
        readonly=True, sort=False)
    rule = fields.Many2One('crm.lead.scoring.rule', "Rule", readonly=True,
        ondelete='SET NULL')
    points = fields.Float("Points", required=True, readonly=True,
        help="The points at the time of the behaviour.")
    current_points = fields.Function(
        fields.Float("Current Points", digits=(16, 2),
            help="The points after decay."),
        'get_current_points')
    date = fields.DateTime("Date", required=True, readonly=True)
    recipient = fields.Many2One('crm.campaign.recipient',
        "Campaign Recipient", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('lead_recipient_kind_unique',
                Unique(t, t.lead, t.recipient, t.kind),
                'crm_plus.msg_lead_score_event_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.lead, Index.Range())))
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def get_current_points(cls, events, name):
        pool = Pool()
        Lead = pool.get('crm.lead')
        Configuration = pool.get('crm.configuration')
        half_life = Configuration(1).lead_score_half_life
        now = Lead._scoring_now()
        return {e.id: round(decay(e.points, e.date, now, half_life), 2)
            for e in events}


def decay(points, date, now, half_life):
    "The points of a behaviour at date, seen at now"
    if not half_life or not date:
        return points
    age = max((now - date).total_seconds(), 0) / 86400
    return points * 0.5 ** (age / half_life)


class ScoringModel(ModelSQL, ModelView):
    "A predictive model fitted on the history of the company's leads"
    __name__ = 'crm.lead.scoring.model'
    __string__ = "Lead Scoring Model"

    name = fields.Char("Name", required=True, readonly=True)
    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    version = fields.Integer("Version", required=True, readonly=True)
    algorithm = fields.Selection([
            ('logistic', "Logistic Regression"),
            ], "Algorithm", required=True, readonly=True)
    trained_at = fields.DateTime("Trained At", required=True, readonly=True)
    rows = fields.Integer("Rows", required=True, readonly=True,
        help="The leads and opportunities of the history it learnt from.")
    positives = fields.Integer("Converted or Won", readonly=True)
    holdout_rows = fields.Integer("Hold-out Rows", readonly=True)
    auc = fields.Float("Hold-out AUC", digits=(16, 4), readonly=True,
        help="The area under the ROC curve on the rows kept out of the "
        "training: 0.5 is chance, 1 a perfect ranking.")
    duration = fields.Float("Training Seconds", digits=(16, 2),
        readonly=True)
    parameters = fields.Text("Parameters", readonly=True,
        help="The fitted model as JSON: the features, their scaling, "
        "coefficients and intercept.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_version_unique', Unique(t, t.company, t.version),
                'crm_plus.msg_lead_scoring_model_unique'),
            ]
        cls._order = [
            ('company', 'ASC'), ('version', 'DESC'), ('id', 'DESC')]

    @classmethod
    def latest(cls, company_id):
        models = cls.search([('company', '=', company_id)],
            order=[('version', 'DESC')], limit=1)
        return models[0] if models else None

    @classmethod
    def train(cls, company_id, test_size=0.25, random_state=0):
        """Fit a logistic regression on the company's history and store it
        as a new version; None when the history is too short"""
        import numpy as np

        pool = Pool()
        Lead = pool.get('crm.lead')
        start = time.perf_counter()
        rows, labels = Lead.scoring_history(company_id)
        positives = sum(labels)
        if (positives < MIN_CLASS_ROWS
                or len(labels) - positives < MIN_CLASS_ROWS):
            logger.info("company %s: too short a history to train "
                "(%s rows, %s positive)", company_id, len(labels), positives)
            return None
        features = select_features(rows)
        X = vectorize(rows, features)
        fitted, auc, holdout_rows = prediction.fit(
            X, np.array(labels), test_size=test_size,
            random_state=random_state)
        parameters = {'features': features, **fitted}
        previous = cls.latest(company_id)
        version = (previous.version + 1) if previous else 1
        now = dt.datetime.now()
        model, = cls.create([{
                    'name': f'v{version} {now:%Y-%m-%d %H:%M}',
                    'company': company_id,
                    'version': version,
                    'algorithm': 'logistic',
                    'trained_at': now,
                    'rows': len(labels),
                    'positives': positives,
                    'holdout_rows': holdout_rows,
                    'auc': round(auc, 4),
                    'duration': round(time.perf_counter() - start, 2),
                    'parameters': json.dumps(parameters),
                    }])
        return model

    @property
    def fitted(self):
        return json.loads(self.parameters)

    @classmethod
    def train_all(cls):
        "Cron: retrain the model of every company, then rescore the leads"
        pool = Pool()
        Company = pool.get('company.company')
        Lead = pool.get('crm.lead')
        for company in Company.search([]):
            with Transaction().set_context(company=company.id):
                cls.train(company.id)
        Lead.update_scores(Lead.open_lead_ids())


def select_features(rows):
    "The feature names: the numeric ones and the frequent categories"
    counts = defaultdict(int)
    for row in rows:
        for name in CATEGORICAL_FEATURES:
            if row[name] is not None:
                counts[f'{name}:{row[name]}'] += 1
    return NUMERIC_FEATURES + sorted(
        k for k, c in counts.items() if c >= MIN_CATEGORY_ROWS)


def vectorize(rows, features):
    "The matrix of rows (dicts) over features (amounts and counts in log)"
    import numpy as np
    index = {f: i for i, f in enumerate(features)}
    X = np.zeros((len(rows), len(features)))
    for r, row in enumerate(rows):
        for name in NUMERIC_FEATURES:
            X[r, index[name]] = math.log1p(max(row[name] or 0, 0))
        for name in CATEGORICAL_FEATURES:
            i = index.get(f'{name}:{row[name]}')
            if i is not None:
                X[r, i] = 1
    return X


predict = prediction.predict
contributions = prediction.contributions


class Lead(metaclass=PoolMeta):
    __name__ = 'crm.lead'

    score = fields.Float("Score", digits=(16, 1), readonly=True,
        help="The points of the scoring rules, behaviours decayed.")
    grade = fields.Selection(GRADES, "Grade", readonly=True, sort=False,
        help="From the score, by the thresholds of the configuration.")
    probability = fields.Float("Predicted Probability", digits=(16, 3),
        readonly=True,
        help="The chance the lead converts, from the latest predictive "
        "model.")
    score_factors = fields.Text("Top Factors", readonly=True,
        help="The features that moved the predicted probability most.")
    scoring_model = fields.Many2One('crm.lead.scoring.model',
        "Scoring Model", readonly=True, ondelete='SET NULL')
    score_events = fields.One2Many('crm.lead.score.event', 'lead',
        "Behaviours", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.score, Index.Range())))

    @classmethod
    def _scoring_now(cls):
        "The time the scores are computed at (the tests freeze it)"
        return dt.datetime.now()

    @classmethod
    def copy(cls, leads, default=None):
        default = default.copy() if default is not None else {}
        for name in ['score', 'grade', 'probability', 'score_factors',
                'scoring_model', 'score_events']:
            default.setdefault(name, None)
        return super().copy(leads, default=default)

    @classmethod
    def on_modification(cls, mode, leads, field_names=None):
        super().on_modification(mode, leads, field_names=field_names)
        if mode == 'create' or (mode == 'write' and field_names
                and field_names & {
                    'industry', 'headcount', 'subdivision', 'source',
                    'party'}):
            cls.update_scores(leads)

    @classmethod
    def record_behaviour(cls, leads, kind, date=None, recipient=None):
        """Record a behaviour of the leads (opened, clicked, visited, form)
        with the points of the active rules on it, then rescore them"""
        pool = Pool()
        Rule = pool.get('crm.lead.scoring.rule')
        Event = pool.get('crm.lead.score.event')
        assert kind in BEHAVIOUR_KINDS, kind
        if not leads:
            return []
        rules = Rule.search([('kind', '=', kind)])
        date = date or cls._scoring_now()
        events = Event.create([{
                    'lead': lead.id,
                    'kind': kind,
                    'rule': rules[0].id if rules else None,
                    'points': sum(r.points for r in rules),
                    'date': date,
                    'recipient': getattr(recipient, 'id', recipient),
                    } for lead in leads])
        cls.update_scores(leads)
        return events

    @classmethod
    def read_campaign_responses(cls):
        """Cron: record the opens and clicks of campaign recipients since
        the last run on the open leads of the same person or e-mail"""
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Recipient = pool.get('crm.campaign.recipient')
        Event = pool.get('crm.lead.score.event')
        Rule = pool.get('crm.lead.scoring.rule')
        cursor = Transaction().connection.cursor()
        config = Configuration(1)
        since = config.lead_behaviour_since
        lead = cls.__table__()
        recipient = Recipient.__table__()
        event = Event.__table__()

        rules = {k: Rule.search([('kind', '=', k)])
            for k in ['opened', 'clicked']}
        latest = since
        to_create, touched = [], set()
        for kind, column in [
                ('opened', recipient.opened_at),
                ('clicked', recipient.clicked_at)]:
            where = column != Null
            if since:
                where &= column >= since
            existing = event.select(event.id, where=(
                    (event.lead == lead.id)
                    & (event.recipient == recipient.id)
                    & (event.kind == kind)))
            query = recipient.join(lead, condition=(
                    (lead.party == recipient.party)
                    | ((recipient.channel == 'email')
                        & (lead.email != Null)
                        & (Lower(lead.email) == Lower(recipient.address))))
                ).select(lead.id, recipient.id, column,
                    where=where & lead.state.in_(OPEN_STATES)
                    & ~Exists(existing))
            cursor.execute(*query)
            for lead_id, recipient_id, date in cursor:
                if isinstance(date, str):
                    date = dt.datetime.fromisoformat(date)
                to_create.append({
                        'lead': lead_id,
                        'kind': kind,
                        'rule': rules[kind][0].id if rules[kind] else None,
                        'points': sum(r.points for r in rules[kind]),
                        'date': date,
                        'recipient': recipient_id,
                        })
                touched.add(lead_id)
                if latest is None or date > latest:
                    latest = date
        if to_create:
            Event.create(to_create)
            cls.update_scores(sorted(touched))
        if latest != since:
            Configuration.write([config], {'lead_behaviour_since': latest})
        return len(to_create)

    @classmethod
    def update_scores_all(cls):
        "Cron: decay the scores of the open leads"
        cls.update_scores(cls.open_lead_ids())

    @classmethod
    def open_lead_ids(cls):
        "The ids of the open leads, read without making their instances"
        return search_ids(cls, [('state', 'in', OPEN_STATES)])

    @classmethod
    def update_scores(cls, leads):
        """Store the rule score, grade, predicted probability and its top
        factors of the leads (records or ids), then qualify those past the
        thresholds"""
        pool = Pool()
        Rule = pool.get('crm.lead.scoring.rule')
        Event = pool.get('crm.lead.score.event')
        Configuration = pool.get('crm.configuration')
        Model = pool.get('crm.lead.scoring.model')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        if not leads:
            return
        # plain values: no record is read in the loops below
        config = Configuration(1)
        half_life = config.lead_score_half_life
        thresholds = (
            config.lead_grade_a, config.lead_grade_b, config.lead_grade_c)
        min_score = config.lead_qualify_score
        min_probability = config.lead_qualify_probability
        now = cls._scoring_now()
        attribute_rules = [c for c in (
                r.scoring_condition() for r in Rule.search([]))
            if c[0] is not None]
        table = cls.__table__()
        event = Event.__table__()
        models, labels = {}, {}
        columns = [table.score, table.grade, table.probability,
            table.score_factors, table.scoring_model]
        ids = [int(l) for l in leads]
        candidates = []
        for sub_ids in grouped_slice(ids, SLICE):
            sub_ids = list(sub_ids)
            rows = cls.scoring_features(sub_ids)
            points = defaultdict(float)
            cursor.execute(*event.select(event.lead, event.points, event.date,
                    where=event.lead.in_(sub_ids)))
            for lead_id, value, date in cursor:
                if isinstance(date, str):
                    date = dt.datetime.fromisoformat(date)
                points[lead_id] += decay(value, date, now, half_life)
            values = {}
            for row in rows:
                score = points[row['id']] + sum(
                    p for c, v, p in attribute_rules if row[c] == v)
                values[row['id']] = [round(score, 1),
                    grade(score, thresholds), None, None, None]
            by_company = defaultdict(list)
            for row in rows:
                by_company[row['company']].append(row)
            for company_id, company_rows in by_company.items():
                if company_id not in models:
                    model = Model.latest(company_id)
                    models[company_id] = (
                        (model.id, model.fitted) if model else None)
                if not models[company_id]:
                    continue
                model_id, parameters = models[company_id]
                X = vectorize(company_rows, parameters['features'])
                probabilities = predict(parameters, X)
                terms = contributions(parameters, X)
                for row, p, term in zip(
                        company_rows, probabilities, terms):
                    values[row['id']][2:] = [
                        round(float(p), 4),
                        factors_text(parameters['features'], term, labels),
                        model_id]
            cls._write_scores(table, columns, values)
            candidates.extend(i for i, v in values.items()
                if (min_score is not None and v[0] >= min_score)
                or (min_probability is not None and v[2] is not None
                    and v[2] >= min_probability))
        transaction.counter += 1
        for cache in transaction.cache.values():
            if cls.__name__ in cache:
                for id_ in ids:
                    cache[cls.__name__].pop(id_, None)
        for sub_ids in grouped_slice(candidates, WRITE_SLICE):
            cls.auto_qualify(cls.browse(sub_ids))

    @classmethod
    def _write_scores(cls, table, columns, values):
        """Store {id: [score, grade, probability, factors, model]}: one
        UPDATE of the slice on PostgreSQL, a prepared one per row else"""
        cursor = Transaction().connection.cursor()
        if not values:
            return
        if backend.name == 'postgresql':
            names = ', '.join(f'"{c.name}" = v."{c.name}"' for c in columns)
            rows = list(values.items())
            cursor.execute(f'UPDATE "{cls._table}" SET {names} '
                'FROM unnest(%s::int[], %s::float8[], %s::varchar[], '
                '%s::float8[], %s::text[], %s::int[]) AS v(id, '
                + ', '.join(f'"{c.name}"' for c in columns)
                + f') WHERE "{cls._table}".id = v.id',
                [[i for i, _ in rows]]
                + [[v[k] for _, v in rows] for k in range(len(columns))])
        else:
            sql, _ = tuple(table.update(columns, [0., 'A', 0., '', 0],
                    where=table.id == 0))
            cursor.executemany(sql, [v + [i] for i, v in values.items()])

    @classmethod
    def auto_qualify(cls, leads):
        "Qualify the new and working leads past a configured threshold"
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        config = Configuration(1)
        min_score = config.lead_qualify_score
        min_probability = config.lead_qualify_probability
        if min_score is None and min_probability is None:
            return []
        to_qualify = [l for l in cls.browse(leads)
            if l.state in {'new', 'working'}
            and ((min_score is not None and (l.score or 0) >= min_score)
                or (min_probability is not None
                    and l.probability is not None
                    and l.probability >= min_probability))]
        if to_qualify:
            cls.qualify(to_qualify)
        return to_qualify

    @classmethod
    def _scoring_base_query(cls):
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        lead = cls.__table__()
        opportunity = Opportunity.__table__()
        return lead, opportunity, lead.join(opportunity, 'LEFT',
            condition=lead.opportunity == opportunity.id)

    @classmethod
    def scoring_features(cls, ids=None, where=None):
        """The feature rows (dicts) of the leads: attributes, behaviour
        counts and the matching customer's orders and invoices before the
        lead came"""
        cursor = Transaction().connection.cursor()
        lead, opportunity, from_ = cls._scoring_base_query()
        condition = lead.id != Null
        if ids is not None:
            condition &= lead.id.in_(ids)
        if where is not None:
            condition &= where(lead)
        cursor.execute(*from_.select(
                lead.id, lead.company, lead.source, lead.industry,
                lead.headcount, lead.subdivision, lead.party,
                lead.create_date, lead.state, opportunity.state,
                where=condition))
        rows = [{
                'id': r[0], 'company': r[1], 'source': r[2],
                'industry': r[3], 'headcount': r[4], 'subdivision': r[5],
                'party': r[6], 'date': r[7], 'state': r[8],
                'opportunity_state': r[9],
                } for r in cursor]
        cls._add_behaviour_counts(rows)
        cls._add_erp_features(rows)
        return rows

    @classmethod
    def scoring_history(cls, company_id):
        """The rows and labels of the company's history: converted (1) and
        disqualified (0) leads, and opportunities won (1) or lost (0) that
        no lead led to; a converted lead whose opportunity was lost is 0"""
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Address = pool.get('party.address')
        Party = pool.get('party.party')
        cursor = Transaction().connection.cursor()
        rows = cls.scoring_features(where=lambda lead: (
                (lead.company == company_id)
                & lead.state.in_(['converted', 'disqualified'])))
        labels = [int(r['state'] == 'converted'
                and r['opportunity_state'] != 'lost') for r in rows]

        opportunity = Opportunity.__table__()
        address = Address.__table__()
        party = Party.__table__()
        lead = cls.__table__()
        led = lead.select(lead.opportunity,
            where=lead.opportunity != Null)
        cursor.execute(*opportunity
            .join(party, condition=opportunity.party == party.id)
            .join(address, 'LEFT',
                condition=opportunity.address == address.id)
            .select(opportunity.id, party.crm_source, party.crm_industry,
                party.crm_headcount, address.subdivision, opportunity.party,
                opportunity.start_date, opportunity.state,
                where=(opportunity.company == company_id)
                & opportunity.state.in_(['won', 'lost'])
                & ~opportunity.id.in_(led)))
        opportunities = [{
                'id': None, 'company': company_id, 'source': r[1],
                'industry': r[2], 'headcount': r[3], 'subdivision': r[4],
                'party': r[5], 'date': r[6], 'state': r[7],
                'opportunity_state': r[7],
                } for r in cursor]
        for row in opportunities:
            for kind in BEHAVIOUR_KINDS:
                row[kind] = 0
        cls._add_erp_features(opportunities)
        rows += opportunities
        labels += [int(r['state'] == 'won') for r in opportunities]
        return rows, labels

    @classmethod
    def _add_behaviour_counts(cls, rows):
        pool = Pool()
        Event = pool.get('crm.lead.score.event')
        cursor = Transaction().connection.cursor()
        event = Event.__table__()
        counts = defaultdict(int)
        ids = [r['id'] for r in rows]
        for sub_ids in grouped_slice(ids, SLICE):
            cursor.execute(*event.select(event.lead, event.kind,
                    Count(event.id),
                    where=event.lead.in_(list(sub_ids)),
                    group_by=[event.lead, event.kind]))
            for lead_id, kind, count in cursor:
                counts[lead_id, kind] = count
        for row in rows:
            for kind in BEHAVIOUR_KINDS:
                row[kind] = counts[row['id'], kind]

    @classmethod
    def _add_erp_features(cls, rows):
        """The orders and invoices of each row's customer dated before the
        row's date (no later order can tell the outcome)"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Invoice = pool.get('account.invoice')
        cursor = Transaction().connection.cursor()
        sale = Sale.__table__()
        invoice = Invoice.__table__()
        parties = {r['party'] for r in rows if r['party']}
        orders = defaultdict(list)
        invoices = defaultdict(list)
        for sub_ids in grouped_slice(sorted(parties), SLICE):
            sub_ids = list(sub_ids)
            cursor.execute(*sale.select(sale.party, sale.sale_date,
                    Coalesce(sale.untaxed_amount_cache, 0),
                    where=sale.party.in_(sub_ids)
                    & sale.state.in_(['confirmed', 'processing', 'done'])
                    & (sale.sale_date != Null)))
            for party, date, amount in cursor:
                orders[party].append((to_date(date), float(amount)))
            cursor.execute(*invoice.select(invoice.party,
                    invoice.invoice_date,
                    Coalesce(invoice.total_amount_cache, 0),
                    where=invoice.party.in_(sub_ids)
                    & (invoice.type == 'out')
                    & invoice.state.in_(['posted', 'paid'])
                    & (invoice.invoice_date != Null)))
            for party, date, amount in cursor:
                invoices[party].append((to_date(date), float(amount)))
        for row in rows:
            before = to_date(row['date']) or dt.date.max
            past = [a for d, a in orders.get(row['party'], []) if d < before]
            row['orders'] = len(past)
            row['order_amount'] = sum(past)
            row['invoice_amount'] = sum(
                a for d, a in invoices.get(row['party'], []) if d < before)


def to_date(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def grade(score, thresholds):
    "The grade of score for the (A, B, C) lowest scores"
    a, b, c = thresholds
    if score >= a:
        return 'A'
    elif score >= b:
        return 'B'
    elif score >= c:
        return 'C'
    return 'D'


def factors_text(features, terms, labels):
    "The top factors of one prediction, one a line: '+0.82 Industry: X'"
    return prediction.top_factors(features, terms,
        lambda feature: feature_label(feature, labels), top=TOP_FACTORS)


def feature_label(feature, labels):
    "The translated label of a feature name"
    if feature in labels:
        return labels[feature]
    pool = Pool()
    Lead = pool.get('crm.lead')
    Event = pool.get('crm.lead.score.event')
    name, _, value = feature.partition(':')
    if name in BEHAVIOUR_KINDS:
        label = dict(Event.fields_get(['kind'])['kind']['selection'])[name]
    elif name in {'orders', 'order_amount', 'invoice_amount'}:
        label = {
            'orders': gettext('crm_plus.msg_lead_feature_orders'),
            'order_amount': gettext('crm_plus.msg_lead_feature_order_amount'),
            'invoice_amount': gettext(
                'crm_plus.msg_lead_feature_invoice_amount'),
            }[name]
    else:
        field = Lead._fields[name]
        description = Lead.fields_get([name])[name]
        if name == 'headcount':
            value = dict(description['selection']).get(value, value)
        else:
            Target = pool.get(field.model_name)
            records = Target.search([('id', '=', int(value))])
            value = records[0].rec_name if records else value
        label = '%s: %s' % (description['string'], value)
    labels[feature] = label
    return label


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('crm.lead|read_campaign_responses',
                    "Score Leads on Campaign Responses"),
                ('crm.lead|update_scores_all', "Update Lead Scores"),
                ('crm.lead.scoring.model|train_all',
                    "Retrain Predictive Lead Scoring"),
                ])
