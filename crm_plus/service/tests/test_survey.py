"""Satisfaction surveys: created on resolution, e-mailed through a real SMTP
server by the queue, answered once through their signed link.

No queue worker is configured in tests, so ``__queue__`` calls only append
the task id to ``Transaction().tasks``; ``run_tasks`` commits and runs each
in a transaction of its own as trytond.worker.run_task does, and the
survey e-mail goes out when that transaction commits.  The committed
records stay until the class drops its database: each test makes its own
company.
"""
import datetime
import re
import unittest
import unittest.mock

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, create_employee
from trytond.modules.crm_plus.service import survey as survey_module
from trytond.modules.crm_plus.service.survey import SurveyError
from trytond.modules.crm_plus.tests.smtp import SMTPServer
from trytond.modules.crm_plus.tests.tools import run_task
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

LINK = re.compile(r'/crm/service/survey/([A-Za-z0-9_.-]+)')
CONTEXT = {'_skip_warnings': True}


class SurveyTestCase(unittest.TestCase):
    "Test satisfaction surveys"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')
        cls.smtp = SMTPServer().start()
        cls._smtp_config = cls.smtp.configure()
        cls._smtp_config.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls._smtp_config.__exit__(None, None, None)
        cls.smtp.stop()
        super().tearDownClass()
        drop_db()

    def setUp(self):
        super().setUp()
        self.smtp.clear()

    def transaction(self, user=1, **context):
        return Transaction().start(
            DB_NAME, user, context={**CONTEXT, **context})

    def run_tasks(self):
        "Commit, then run the queued tasks each in its own transaction"
        transaction = Transaction()
        transaction.commit()
        tasks = list(transaction.tasks)
        transaction.tasks.clear()
        for task_id in tasks:
            run_task(task_id)
        return tasks

    def setup_ticket(self, email='li.na@mingyuan.example.com', team=None,
            name="上海明远科技有限公司", company=None):
        "A company (in context) with an employee, a customer and a ticket"
        pool = Pool()
        Party = pool.get('party.party')
        Ticket = pool.get('crm.ticket')
        User = pool.get('res.user')
        company = company or create_company()
        owner = create_employee(company, "王伟")
        User.write([User(Transaction().user)], {
                'companies': [('add', [company.id])],
                'company': company.id,
                })
        ModelData = pool.get('ir.model.data')
        self.owner_user, = User.create([{
                    'login': f'owner{owner.id}', 'name': "王伟",
                    'groups': [('add', [
                                ModelData.get_id(
                                    'crm_plus', 'group_sales_rep')])],
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'employees': [('add', [owner.id])],
                    'employee': owner.id,
                    }])
        party, = Party.create([{
                    'name': name, 'crm_owner': owner.id,
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': 'info@mingyuan.example.com',
                                    }])],
                    }])
        Transaction().set_context(company=company.id)
        ticket, = Ticket.create([{
                    'company': company.id,
                    'party': party.id,
                    'email': email,
                    'subject': "打印机卡纸",
                    'team': team,
                    'resolution': "更换了进纸辊",
                    }])
        return company, party, ticket

    def resolve_and_send(self, ticket):
        "Resolve the ticket, run the queue; return the survey and its token"
        Survey = Pool().get('crm.ticket.survey')
        Ticket = Pool().get('crm.ticket')
        Ticket.resolve([Ticket(ticket.id)])
        survey, = Survey.search([('ticket', '=', ticket.id)])
        self.assertEqual(survey.state, 'pending')
        self.run_tasks()
        survey = Survey(survey.id)
        self.assertEqual(survey.state, 'sent')
        message = self.survey_mails()[-1]
        body = message.get_body(('plain', 'html')).get_content()
        token, = set(LINK.findall(body))
        return survey, token

    def survey_mails(self):
        "The mails with a survey link (the ticket notices are others)"
        return [m for m in self.smtp.messages if LINK.search(
                m.get_body(('plain', 'html')).get_content())]

    def test_resolution_sends_survey_once(self):
        "Resolving e-mails one signed link, a retried task sends nothing"
        with self.transaction() as transaction:
            Survey = Pool().get('crm.ticket.survey')
            _, _, ticket = self.setup_ticket()
            survey, token = self.resolve_and_send(ticket)
            message, = self.survey_mails()
            self.assertEqual(
                message['To'], 'li.na@mingyuan.example.com')
            self.assertIn(ticket.number, message['Subject'])
            self.assertEqual(survey.email_record.recipients,
                'li.na@mingyuan.example.com')
            # only the digest of the token is stored
            self.assertNotIn(token, (survey.token_digest or ''))
            self.assertEqual(
                survey.token_digest, survey_module.digest(token))
            self.assertGreater(survey.expires, survey.sent_date)
            self.assertEqual(
                (survey.expires - survey.sent_date).days, 14)
            # the task run again (a retry) and a second resolution
            Survey.__queue__.send([survey])
            Ticket = Pool().get('crm.ticket')
            Ticket.reopen([ticket])
            Ticket.resolve([Ticket(ticket.id)])
            self.run_tasks()
            self.assertEqual(len(self.survey_mails()), 1)
            self.assertEqual(
                Survey.search([('ticket', '=', ticket.id)], count=True), 1)
            transaction.commit()

    def test_no_address_no_survey(self):
        "A ticket without an e-mail address gets no survey"
        with self.transaction():
            pool = Pool()
            Party = pool.get('party.party')
            Survey = pool.get('crm.ticket.survey')
            Ticket = pool.get('crm.ticket')
            _, party, ticket = self.setup_ticket(email=None)
            Party.write([party], {'contact_mechanisms': [
                        ('delete', [m.id for m in party.contact_mechanisms])]})
            Ticket.resolve([ticket])
            self.assertFalse(Survey.search([('ticket', '=', ticket.id)]))

    def test_party_address_used(self):
        "Without a ticket address the customer's e-mail gets the survey"
        with self.transaction():
            _, _, ticket = self.setup_ticket(email=None)
            self.resolve_and_send(ticket)
            self.assertEqual(
                self.survey_mails()[-1]['To'], 'info@mingyuan.example.com')

    def test_link_valid_once(self):
        "A link is answered once; the comment becomes feedback"
        with self.transaction():
            pool = Pool()
            Survey = pool.get('crm.ticket.survey')
            Feedback = pool.get('crm.feedback')
            ModelData = pool.get('ir.model.data')
            _, party, ticket = self.setup_ticket()
            survey, token = self.resolve_and_send(ticket)
            found, error = Survey.find(token)
            self.assertEqual((found, error), (survey, None))
            found.answer(4, 9, "  客服态度很好，<script>alert(1)</script> ")
            survey = Survey(survey.id)
            self.assertEqual(
                (survey.state, survey.csat, survey.nps, survey.comment),
                ('answered', 4, 9, "客服态度很好，<script>alert(1)</script>"))
            self.assertFalse(survey.detractor)
            self.assertEqual(Survey.find(token), (survey, 'answered'))
            feedback, = Feedback.search([('survey', '=', survey.id)])
            self.assertEqual(
                (feedback.source, feedback.party, feedback.ticket,
                    feedback.rating, feedback.sentiment, feedback.user),
                ('survey', party, ticket, 4, 'positive', None))
            self.assertEqual(feedback.topic.id, ModelData.get_id(
                    'crm_plus', 'feedback_topic_service'))

    def test_link_refused(self):
        "Tampered, unknown and expired links are refused"
        with self.transaction():
            pool = Pool()
            Configuration = pool.get('crm.configuration')
            Survey = pool.get('crm.ticket.survey')
            _, _, ticket = self.setup_ticket()
            survey, token = self.resolve_and_send(ticket)
            nonce, signature = token.split('.')
            tampered = nonce[:-1] + ('A' if nonce[-1] != 'A' else 'B')
            for bad in [f'{tampered}.{signature}', token[:-1], '', 'x' * 55,
                    token + 'A', f'{nonce}.{signature[::-1]}']:
                with self.subTest(token=bad):
                    self.assertEqual(Survey.find(bad), (None, 'invalid'))
            key = Configuration.survey_key()
            unknown = survey_module.new_token(key)
            self.assertEqual(Survey.find(unknown), (None, 'unknown'))
            # a link of another database (another key) is tampered here
            other = survey_module.new_token('0' * 64)
            self.assertEqual(Survey.find(other), (None, 'invalid'))

            later = survey.expires + datetime.timedelta(seconds=1)
            with unittest.mock.patch.object(
                    Survey, '_now', return_value=later):
                self.assertEqual(Survey.find(token), (survey, 'expired'))
                Survey.expire()
            self.assertEqual(Survey(survey.id).state, 'expired')
            self.assertEqual(Survey.find(token), (survey, 'expired'))

    def test_answer_range(self):
        "Out-of-range scores and oversized comments are refused"
        with self.transaction():
            Survey = Pool().get('crm.ticket.survey')
            _, _, ticket = self.setup_ticket()
            survey, token = self.resolve_and_send(ticket)
            for csat, nps, comment in [
                    (0, 5, None), (6, 5, None), (None, 5, None),
                    (3, -1, None), (3, 11, None), (3, None, None),
                    (3, 5, 'x' * 2001), (3, 5, 'a\x00b')]:
                with self.subTest(csat=csat, nps=nps):
                    with self.assertRaises(SurveyError):
                        Survey(survey.id).answer(csat, nps, comment)
            self.assertEqual(Survey(survey.id).state, 'sent')

    def test_detractor_follow_up(self):
        "A detractor gets a follow-up for the customer's owner tomorrow"
        with self.transaction():
            pool = Pool()
            Survey = pool.get('crm.ticket.survey')
            FollowUp = pool.get('crm.follow_up')
            Date = pool.get('ir.date')
            _, party, ticket = self.setup_ticket()
            survey, token = self.resolve_and_send(ticket)
            survey.answer(2, 8, None)
            self.assertEqual(
                Survey.search([('detractor', '=', True),
                        ('ticket', '=', ticket.id)]), [survey])
            self.assertEqual(
                Survey.search([('detractor', '=', False),
                        ('ticket', '=', ticket.id)]), [])
            Survey.create_follow_up([survey])
            Survey.create_follow_up([survey])
            follow_up, = FollowUp.search([('origin', '=', str(survey))])
            self.assertEqual(follow_up.user, self.owner_user)
            self.assertEqual(follow_up.party, party)
            self.assertEqual(
                follow_up.due_date, Date.today() + datetime.timedelta(1))
            self.assertIn(ticket.number, follow_up.description)

    def test_promoter_no_follow_up(self):
        "A promoter is no detractor and gets no follow-up"
        with self.transaction():
            pool = Pool()
            Survey = pool.get('crm.ticket.survey')
            FollowUp = pool.get('crm.follow_up')
            _, _, ticket = self.setup_ticket()
            survey, token = self.resolve_and_send(ticket)
            survey.answer(5, 7, None)
            self.assertFalse(Survey(survey.id).detractor)
            Survey.create_follow_up([survey])
            self.assertFalse(FollowUp.search([('origin', '=', str(survey))]))

    def test_other_team_agent(self):
        "An agent of another team sees neither the survey nor its feedback"
        with self.transaction():
            pool = Pool()
            Team = pool.get('crm.team')
            User = pool.get('res.user')
            ModelData = pool.get('ir.model.data')
            Survey = pool.get('crm.ticket.survey')
            Feedback = pool.get('crm.feedback')
            company = create_company()
            agents = {}
            teams = {}
            group = ModelData.get_id('crm_plus', 'group_service_agent')
            for name in ['a', 'b']:
                employee = create_employee(company, f"客服{name}")
                teams[name], = Team.create([{
                            'name': f"售后{name}", 'company': company.id,
                            'members': [('add', [employee.id])]}])
                agents[name], = User.create([{
                            'login': f'agent_{name}_{company.id}',
                            'name': f"客服{name}",
                            'groups': [('add', [group])],
                            'companies': [('add', [company.id])],
                            'company': company.id,
                            'employees': [('add', [employee.id])],
                            'employee': employee.id,
                            }])
            _, _, ticket = self.setup_ticket(
                team=teams['a'].id, company=company)
            survey, token = self.resolve_and_send(ticket)
            survey.answer(1, 2, "物流延迟，配送太慢")
            feedback, = Feedback.search([('survey', '=', survey.id)])
            company_id = company.id
            Transaction().commit()
        for name, visible in [('a', True), ('b', False)]:
            with self.subTest(agent=name), self.transaction(
                    user=agents[name].id, _check_access=True,
                    company=company_id):
                Survey = Pool().get('crm.ticket.survey')
                Feedback = Pool().get('crm.feedback')
                self.assertEqual(
                    bool(Survey.search([('id', '=', survey.id)])),
                    visible)
                self.assertEqual(
                    bool(Feedback.search([('id', '=', feedback.id)])),
                    visible)
                if not visible:
                    with self.assertRaises(AccessError):
                        Survey.read([survey.id], ['csat'])
                    with self.assertRaises(AccessError):
                        Feedback.read([feedback.id], ['text'])
                # nobody reads the digest of the token
                with self.assertRaises(AccessError):
                    Survey.read([survey.id], ['token_digest'])

    def test_feedback_access(self):
        "Feedback is read by its typist, the owner and the ticket's team"
        with self.transaction():
            pool = Pool()
            User = pool.get('res.user')
            ModelData = pool.get('ir.model.data')
            Party = pool.get('party.party')
            Feedback = pool.get('crm.feedback')
            Team = pool.get('crm.team')
            company = create_company()
            group = ModelData.get_id('crm_plus', 'group_service_agent')
            agents = []
            for name in ['c', 'd']:
                employee = create_employee(company, f"客服{name}")
                agent, = User.create([{
                            'login': f'agent_{name}_{company.id}',
                            'name': f"客服{name}",
                            'groups': [('add', [group])],
                            'companies': [('add', [company.id])],
                            'company': company.id,
                            'employees': [('add', [employee.id])],
                            'employee': employee.id,
                            }])
                agents.append(agent.id)
            team, = Team.create([{'name': "售后c", 'company': company.id,
                        'members': [('add', [employee.id])]}])
            _, owned, ticket = self.setup_ticket(
                company=company, team=team.id)
            owner = self.owner_user.id
            unowned, = Party.create([{'name': "杭州个体户"}])
            company_id = company.id
            Transaction().commit()
        agent_c, agent_d = agents
        ids = {}
        with self.transaction(
                user=agent_c, _check_access=True, company=company_id):
            Feedback = Pool().get('crm.feedback')
            # an agent types feedback for any customer
            for key, party, text, ticket_id in [
                    ('unowned', unowned, "价格太贵了", None),
                    ('owned', owned, "配送太慢", None),
                    ('ticket', owned, "物流延迟", ticket.id)]:
                feedback, = Feedback.create([{
                            'party': party.id, 'text': text,
                            'ticket': ticket_id}])
                ids[key] = feedback.id
            Transaction().commit()
        for user, visible in [
                (agent_c, {'unowned', 'owned', 'ticket'}),
                (agent_d, {'ticket'}),
                (owner, {'owned', 'ticket'})]:
            with self.subTest(user=user), self.transaction(
                    user=user, _check_access=True, company=company_id):
                Feedback = Pool().get('crm.feedback')
                found = {f.id for f in Feedback.search([
                            ('id', 'in', list(ids.values()))])}
                self.assertEqual(
                    found, {ids[k] for k in visible})
