import datetime as dt
import random
import unittest
from unittest.mock import patch

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

NOW = dt.datetime(2026, 12, 1, 2, 0)


class Clock:
    "The frozen time of Lead._scoring_now"

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def generate_history(company, industries, sources, n, signal, seed):
    """Create n converted or disqualified leads of company; with signal, a
    lead of industries[0] or one that clicked converts (90%), the others
    mostly not (10%); without, the outcome is a coin toss"""
    pool = Pool()
    Lead = pool.get('crm.lead')
    Event = pool.get('crm.lead.score.event')
    rng = random.Random(seed)
    headcounts = ['1-10', '11-50', '51-200', '201-500']
    values, clicks = [], []
    for i in range(n):
        industry = rng.choice(industries)
        clicked = rng.random() < 0.3
        if signal:
            good = industry == industries[0] or clicked
            converted = rng.random() < (0.9 if good else 0.1)
        else:
            converted = rng.random() < 0.5
        values.append({
                'company': company.id,
                'name': f"History {i}",
                'industry': industry.id,
                'source': rng.choice(sources).id,
                'headcount': rng.choice(headcounts),
                'state': 'converted' if converted else 'disqualified',
                })
        clicks.append(clicked)
    leads = Lead.create(values)
    Event.create([{
                'lead': lead.id,
                'kind': 'clicked',
                'points': 0,
                'date': NOW - dt.timedelta(days=60),
                } for lead, clicked in zip(leads, clicks) if clicked])
    return leads


class ScoringTestCase(unittest.TestCase):
    "Test rule and predictive lead scoring"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module('crm_plus')
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def setUp(self):
        super().setUp()
        self.clock = Clock(NOW)

    def frozen(self):
        Lead = Pool().get('crm.lead')
        return patch.object(Lead, '_scoring_now', self.clock)

    def configure(self, **values):
        Configuration = Pool().get('crm.configuration')
        config = Configuration(1)
        defaults = {
            'lead_score_half_life': 10,
            'lead_grade_a': 50,
            'lead_grade_b': 20,
            'lead_grade_c': 5,
            'lead_qualify_score': None,
            'lead_qualify_probability': None,
            }
        defaults.update(values)
        Configuration.write([config], defaults)

    def classifications(self, n, model='crm.industry'):
        Model = Pool().get(model)
        return Model.create([{'name': f"{model} {i}"} for i in range(n)])

    def rules(self, industry):
        Rule = Pool().get('crm.lead.scoring.rule')
        return Rule.create([
                {'name': "Target industry", 'kind': 'industry',
                    'industry': industry.id, 'points': 20},
                {'name': "Mid size", 'kind': 'headcount',
                    'headcount': '51-200', 'points': 10},
                {'name': "Opened", 'kind': 'opened', 'points': 8},
                {'name': "Clicked", 'kind': 'clicked', 'points': 16},
                ])

    @with_transaction()
    def test_rule_score_decay(self):
        "Attribute points stay, behaviour points halve every half-life"
        pool = Pool()
        Lead = pool.get('crm.lead')
        Event = pool.get('crm.lead.score.event')
        company = create_company()
        industry, other = self.classifications(2)
        self.rules(industry)
        self.configure()
        with set_company(company), self.frozen():
            lead, cold = Lead.create([{
                        'name': "Wang", 'industry': industry.id,
                        'headcount': '51-200',
                        }, {
                        'name': "Li", 'industry': other.id,
                        }])
            self.assertEqual((lead.score, lead.grade), (30, 'B'))
            self.assertEqual((cold.score, cold.grade), (0, 'D'))

            Lead.record_behaviour([lead], 'clicked')
            self.assertEqual(Lead(lead.id).score, 46)
            # opened ten days ago: half of its 8 points
            Lead.record_behaviour(
                [lead], 'opened', date=NOW - dt.timedelta(days=10))
            lead = Lead(lead.id)
            self.assertEqual((lead.score, lead.grade), (50, 'A'))
            self.assertEqual(len(lead.score_events), 2)
            self.assertEqual(sorted(e.current_points
                    for e in lead.score_events), [4, 16])

            # twenty days later: the click at a quarter, the open at 1/8
            self.clock.now = NOW + dt.timedelta(days=20)
            Lead.update_scores_all()
            lead = Lead(lead.id)
            self.assertEqual((lead.score, lead.grade), (35, 'B'))

            # no half-life: no decay
            self.configure(lead_score_half_life=None)
            Lead.update_scores_all()
            self.assertEqual(Lead(lead.id).score, 54)

            # attributes rescore on write; lists sort by score
            Lead.write([cold], {'headcount': '51-200'})
            self.assertEqual((cold.score, cold.grade), (10, 'C'))
            self.assertEqual(
                Lead.search([], order=[('score', 'DESC')]), [lead, cold])
            self.assertEqual(Lead.search([('grade', '=', 'A')]), [lead])
            self.assertEqual(Event.search([], count=True), 2)

    @with_transaction()
    def test_campaign_responses(self):
        "The cron reads opens and clicks once, matched by person or e-mail"
        pool = Pool()
        Lead = pool.get('crm.lead')
        Party = pool.get('party.party')
        Campaign = pool.get('crm.campaign')
        Recipient = pool.get('crm.campaign.recipient')
        Event = pool.get('crm.lead.score.event')
        Configuration = pool.get('crm.configuration')
        company = create_company()
        industry, = self.classifications(1)
        self.rules(industry)
        self.configure(lead_score_half_life=None)
        with set_company(company), self.frozen():
            zhang, liu, stranger = Party.create([
                    {'name': "Zhang"}, {'name': "Liu"}, {'name': "Zhao"}])
            by_party, by_email, closed = Lead.create([
                    {'name': "Zhang", 'state': 'working'},
                    {'name': "Liu", 'email': 'Liu@Example.com'},
                    {'name': "Zhao", 'state': 'disqualified'},
                    ])
            # the party is set by conversion: readonly in the client
            Lead.write([by_party], {'party': zhang.id})
            Lead.write([closed], {'party': stranger.id})
            campaign, = Campaign.create([{
                        'name': "Spring", 'company': company.id,
                        'waves': [('create', [{
                                        'sequence': 1, 'name': "1"}])],
                        }])
            wave, = campaign.waves
            opened = NOW - dt.timedelta(hours=5)
            clicked = NOW - dt.timedelta(hours=4)
            r1, r2, r3 = Recipient.create([{
                        'campaign': campaign.id, 'wave': wave.id,
                        'party': zhang.id, 'channel': 'email',
                        'address': 'zhang@example.com', 'state': 'sent',
                        'opened_at': opened, 'clicked_at': clicked,
                        }, {
                        'campaign': campaign.id, 'wave': wave.id,
                        'party': liu.id, 'channel': 'email',
                        'address': 'liu@example.com', 'state': 'sent',
                        'opened_at': opened,
                        }, {
                        'campaign': campaign.id, 'wave': wave.id,
                        'party': stranger.id, 'channel': 'email',
                        'address': 'zhao@example.com', 'state': 'sent',
                        'opened_at': opened,
                        }])

            self.assertEqual(Lead.read_campaign_responses(), 3)
            self.assertEqual(Lead(by_party.id).score, 24)
            self.assertEqual(Lead(by_email.id).score, 8)
            self.assertEqual(Lead(closed.id).score_events, ())
            self.assertEqual(
                Configuration(1).lead_behaviour_since, clicked)

            # a second run records nothing twice
            self.assertEqual(Lead.read_campaign_responses(), 0)
            Recipient.write([r2], {'clicked_at': NOW})
            self.assertEqual(Lead.read_campaign_responses(), 1)
            self.assertEqual(Lead(by_email.id).score, 24)
            self.assertEqual(Event.search([], count=True), 4)
            self.assertEqual(Configuration(1).lead_behaviour_since, NOW)

    @with_transaction()
    def test_qualify_on_score(self):
        "A lead reaching the score threshold is qualified"
        pool = Pool()
        Lead = pool.get('crm.lead')
        company = create_company()
        industry, = self.classifications(1)
        self.rules(industry)
        self.configure(lead_qualify_score=40)
        with set_company(company), self.frozen():
            lead, done = Lead.create([{
                        'name': "Wang", 'industry': industry.id,
                        'headcount': '51-200',
                        }, {
                        'name': "Sun", 'industry': industry.id,
                        'state': 'disqualified',
                        }])
            self.assertEqual((lead.score, lead.state), (30, 'new'))
            Lead.record_behaviour([lead, done], 'opened')
            self.assertEqual(Lead(lead.id).state, 'new')
            Lead.record_behaviour([lead, done], 'clicked')
            self.assertEqual(Lead(lead.id).state, 'qualified')
            self.assertEqual(Lead(done.id).state, 'disqualified')

            # created past the threshold: qualified at once
            hot, = Lead.create([{
                        'name': "Zhou", 'industry': industry.id,
                        'headcount': '51-200', 'state': 'working'}])
            self.assertEqual(hot.state, 'working')
            self.configure(lead_qualify_score=30)
            Lead.update_scores_all()
            self.assertEqual(Lead(hot.id).state, 'qualified')

    @with_transaction()
    def test_predictive(self):
        "A planted signal is learnt (AUC > 0.8); none gives chance (~0.5)"
        pool = Pool()
        Lead = pool.get('crm.lead')
        Model = pool.get('crm.lead.scoring.model')
        industries = self.classifications(4)
        sources = self.classifications(3, 'crm.customer.source')
        self.configure(lead_qualify_probability=0.7)
        signal, noise = create_company(), create_company()
        with set_company(signal), self.frozen():
            generate_history(
                signal, industries, sources, 2000, signal=True, seed=1)
            self.assertIsNone(Model.latest(signal.id))
            model = Model.train(signal.id)
            self.assertEqual((model.version, model.rows), (1, 2000))
            self.assertEqual(model.holdout_rows, 500)
            self.assertGreater(model.auc, 0.8)
            fitted = model.fitted
            self.assertEqual(set(fitted),
                {'features', 'mean', 'scale', 'coef', 'intercept'})
            weights = dict(zip(fitted['features'], fitted['coef']))
            self.assertGreater(
                weights[f'industry:{industries[0].id}'], 0.5)
            self.assertGreater(weights['clicked'], 0.5)

            # new leads get a probability with their top factors
            good, bad = Lead.create([{
                        'name': "Good", 'industry': industries[0].id,
                        'source': sources[0].id,
                        }, {
                        'name': "Bad", 'industry': industries[1].id,
                        'source': sources[0].id,
                        }])
            self.assertEqual(good.scoring_model, model)
            self.assertGreater(good.probability, 0.7)
            self.assertLess(bad.probability, 0.5)
            self.assertIn(industries[0].rec_name,
                good.score_factors.splitlines()[0])
            self.assertTrue(good.score_factors.startswith('+'))
            # the probability threshold qualified the good lead only
            self.assertEqual((good.state, bad.state), ('qualified', 'new'))
            before = bad.probability
            Lead.record_behaviour([bad], 'clicked')
            self.assertGreater(Lead(bad.id).probability, before + 0.3)

            # retraining makes a new version
            self.assertEqual(Model.train(signal.id).version, 2)

        with set_company(noise), self.frozen():
            generate_history(
                noise, industries, sources, 2000, signal=False, seed=2)
            model = Model.train(noise.id)
            self.assertEqual(model.version, 1)
            self.assertTrue(0.4 < model.auc < 0.6, model.auc)

    @with_transaction()
    def test_short_history(self):
        "No model is trained on too short a history"
        pool = Pool()
        Model = pool.get('crm.lead.scoring.model')
        Lead = pool.get('crm.lead')
        company = create_company()
        industries = self.classifications(2)
        sources = self.classifications(1, 'crm.customer.source')
        with set_company(company):
            generate_history(
                company, industries, sources, 12, signal=True, seed=3)
            self.assertIsNone(Model.train(company.id))
            Model.train_all()
            self.assertEqual(Model.search([], count=True), 0)
            lead, = Lead.create([{'name': "Open"}])
            self.assertIsNone(lead.probability)
