"""The satisfaction survey over HTTP against a running server: a ticket
resolved over RPC e-mails its link through a real SMTP server (aiosmtpd in
this process), the public page answers in Chinese, stores one answer and
refuses bad input, tampered, unknown, expired and replayed links with a 4xx
page, never a traceback."""
import datetime as dt
import re
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import harness
from harness import BACKENDS, Instance

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / 'crm_plus'
        / 'tests'))
from smtp import SMTPServer  # noqa: E402

LINK = re.compile(r'(https?://[^\s"<>]+/crm/service/survey/'
    r'([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+))')
CHINESE = re.compile(r'[\u4e00-\u9fff]')
EMAIL = 'zhao.lei@huaxin.example.com'


def fetch(url, form=None, data=None):
    "(status, headers, text) of a GET, or a POST of form (or raw data)"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, headers={
            'Content-Type': 'application/x-www-form-urlencoded'}
        if data is not None else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return (response.status, response.headers,
                response.read().decode('utf-8'))
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(
            'utf-8', errors='replace')


def sql_write(inst, query, params=()):
    "Run a writing query ('?' placeholders) on the database and commit"
    if inst.backend == 'sqlite':
        import sqlite3
        conn = sqlite3.connect(
            inst.home / 'db' / f'{inst.database}.sqlite', timeout=30)
        try:
            with conn:
                conn.execute(query, params)
        finally:
            conn.close()
    else:
        with harness._pg_connect(inst.database) as conn:
            conn.execute(query.replace('?', '%s'), params)


class SurveyCase:
    backend = None

    @classmethod
    def setUpClass(cls):
        cls.smtp = SMTPServer().start()
        cls.inst = Instance(cls.backend, {'email': {
                    'uri': cls.smtp.uri, 'from': 'service@crm.example.com'}})
        cls.admin = cls.inst.rpc()

    @classmethod
    def tearDownClass(cls):
        cls.inst.stop()
        cls.smtp.stop()

    def resolved_ticket(self, subject="发票抬头错误", team=None):
        "Resolve a new ticket over RPC; return (ticket id, url, token)"
        Party = self.admin.model('party.party')
        Ticket = self.admin.model('crm.ticket')
        party, = Party.create([{'name': f"北京华信贸易有限公司{subject}"}])
        ticket, = Ticket.create([{
                    'party': party, 'email': EMAIL, 'subject': subject,
                    'resolution': "已重新开具发票", 'team': team,
                    }])
        before = len(self.survey_mails())
        Ticket.resolve([ticket])
        deadline = time.monotonic() + 30
        while len(self.survey_mails()) == before:
            self.assertLess(time.monotonic(), deadline, "no survey e-mail")
            time.sleep(0.1)
        message = self.survey_mails()[-1]
        self.assertEqual(message['To'], EMAIL)
        body = message.get_body(('plain', 'html')).get_content()
        (url, token), = set(LINK.findall(body))
        return ticket, url, token

    def survey_mails(self):
        "The mails with a survey link (the ticket notices are others)"
        return [m for m in self.smtp.messages if LINK.search(
                m.get_body(('plain', 'html')).get_content())]

    def survey(self, ticket):
        Survey = self.admin.model('crm.ticket.survey')
        ids = Survey.search([('ticket', '=', ticket)], 0, None, None)
        survey, = Survey.read(ids, ['state', 'csat', 'nps', 'comment'])
        return survey

    def assertRefused(self, status, text, expected):
        self.assertEqual(status, expected, text)
        self.assertRegex(text, CHINESE)
        self.assertNotIn('Traceback', text)
        self.assertIn('<html lang="zh-CN">', text)

    def test_answer_once(self):
        "The link shows a Chinese form, takes one answer, then refuses"
        ticket, url, token = self.resolved_ticket()
        self.assertTrue(url.startswith(self.inst.url))
        status, headers, text = fetch(url)
        self.assertEqual(status, 200, text)
        self.assertTrue(headers['Content-Type'].startswith('text/html'))
        self.assertIn("满意", text)
        self.assertIn('name="csat"', text)
        self.assertEqual(len(re.findall(r'name="nps"', text)), 11)
        # no external asset
        self.assertNotRegex(text, r'<(script|link|img)\b')
        comment = "<script>alert('x')</script>客服态度很好 & 处理及时"
        status, _, text = fetch(url, {
                'csat': '5', 'nps': '9', 'comment': comment})
        self.assertEqual(status, 200, text)
        self.assertRegex(text, CHINESE)
        survey = self.survey(ticket)
        self.assertEqual(
            (survey['state'], survey['csat'], survey['nps'],
                survey['comment']), ('answered', 5, 9, comment))
        Feedback = self.admin.model('crm.feedback')
        ids = Feedback.search([('ticket', '=', ticket)], 0, None, None)
        feedback, = Feedback.read(ids, ['text', 'source', 'topic'])
        self.assertEqual(
            (feedback['text'], feedback['source']), (comment, 'survey'))
        self.assertEqual(
            feedback['topic'], self.inst.ref('crm_plus.feedback_topic_service'))
        # replayed: the page and a second answer
        status, _, text = fetch(url)
        self.assertRefused(status, text, 409)
        status, _, text = fetch(url, {'csat': '1', 'nps': '0'})
        self.assertRefused(status, text, 409)
        self.assertEqual(self.survey(ticket)['csat'], 5)

    def test_bad_links(self):
        "Tampered, unknown, malformed and expired links get a 4xx page"
        ticket, url, token = self.resolved_ticket("退货地址")
        base = url[:-len(token)]
        nonce, signature = token.split('.')
        tampered = ('A' if nonce[0] != 'A' else 'B') + nonce[1:]
        for bad, expected in [
                (f'{tampered}.{signature}', 400),
                (token[:-2], 400),
                ('%3Cscript%3E', 400),
                ('x' * 300, 400),
                ]:
            with self.subTest(token=bad):
                status, _, text = fetch(base + bad)
                self.assertRefused(status, text, expected)
                self.assertNotIn('<script>', text)
        # expired: its expiry moved to the past
        past = (dt.datetime.now() - dt.timedelta(days=1)).replace(
            microsecond=0)
        survey_id, = [r[0] for r in self.inst.sql(
                'SELECT id FROM crm_ticket_survey WHERE ticket = ?',
                (ticket,))]
        sql_write(self.inst,
            'UPDATE crm_ticket_survey SET expires = ? WHERE id = ?',
            (past.isoformat(sep=' '), survey_id))
        status, _, text = fetch(url)
        self.assertRefused(status, text, 410)
        status, _, text = fetch(url, {'csat': '3', 'nps': '5'})
        self.assertRefused(status, text, 410)
        self.assertEqual(self.survey(ticket)['state'], 'sent')

    def test_bad_input(self):
        "Out-of-range scores and oversized comments are refused, escaped"
        ticket, url, token = self.resolved_ticket("安装预约")
        script = "<script>alert(1)</script>"
        for form, expected in [
                ({'csat': '6', 'nps': '5', 'comment': script}, 400),
                ({'csat': '0', 'nps': '5'}, 400),
                ({'csat': '3', 'nps': '11'}, 400),
                ({'csat': '3', 'nps': '-1'}, 400),
                ({'csat': 'abc', 'nps': '5'}, 400),
                ({'nps': '5'}, 400),
                ({'csat': '3', 'nps': '5', 'comment': '长' * 2001}, 400),
                ]:
            with self.subTest(form={k: v[:20] for k, v in form.items()}):
                status, _, text = fetch(url, form)
                self.assertRefused(status, text, expected)
                self.assertNotIn(script, text)
                if 'comment' in form and form['comment'] == script:
                    self.assertIn('&lt;script&gt;', text)
        status, _, text = fetch(url, data=b'csat=3&nps=5&comment='
            + b'a' * (70 * 1024))
        self.assertRefused(status, text, 413)
        self.assertEqual(self.survey(ticket)['state'], 'sent')
        # the answer still goes in afterwards
        status, _, text = fetch(url, {'csat': '2', 'nps': '3'})
        self.assertEqual(status, 200, text)
        survey = self.survey(ticket)
        self.assertEqual((survey['csat'], survey['nps']), (2, 3))

    def test_agent_other_team(self):
        "An agent of another team reads neither the survey nor its feedback"
        Team = self.admin.model('crm.team')
        Employee = self.admin.model('company.employee')
        company = self.admin.context['company']
        teams = {}
        for name in ['svc_a', 'svc_b']:
            self.inst.user(name, ['crm_plus.group_service_agent'])
            employee, = Employee.search(
                [('party.name', '=', name)], 0, None, None)
            teams[name], = Team.create([{
                        'name': f"客服{name}", 'company': company,
                        'members': [('add', [employee])]}])
        ticket, url, token = self.resolved_ticket(
            "屏幕闪烁", team=teams['svc_a'])
        status, _, text = fetch(
            url, {'csat': '1', 'nps': '2', 'comment': "配送太慢"})
        self.assertEqual(status, 200, text)
        for login, visible in [('svc_a', True), ('svc_b', False)]:
            with self.subTest(login=login):
                rpc = self.inst.rpc(login)
                for model in ['crm.ticket.survey', 'crm.feedback']:
                    found = rpc.model(model).search(
                        [('ticket', '=', ticket)], 0, None, None)
                    self.assertEqual(len(found), int(visible), model)


for _backend in BACKENDS:
    _title = _backend.capitalize()
    globals()[f'{_title}SurveyTest'] = type(f'{_title}SurveyTest',
        (SurveyCase, unittest.TestCase), {'backend': _backend})
del _backend, _title


if __name__ == '__main__':
    unittest.main()
