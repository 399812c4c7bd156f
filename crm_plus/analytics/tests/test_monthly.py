"""The monthly management report: its PDF (text and a rendered page), the
figures under the user's rules, and the scheduled e-mail over real SMTP."""
import datetime as dt
import os
import tempfile
import unittest

from trytond.modules.crm_plus.sales.tests.test_quotation import pdf_pages
from trytond.modules.crm_plus.tests.smtp import SMTPServer
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from ..monthly import monthly_figures
from . import test_sales
MARCH = test_sales.MARCH

PO = os.path.join(
    os.path.dirname(__file__), '..', '..', 'locale', 'zh_CN.po')


def chinese(user=None):
    "zh_CN with crm_plus's translations, the language of user"
    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    User = pool.get('res.user')
    zh, = Lang.search([('code', '=', 'zh_CN')])
    zh.translatable = True
    zh.save()
    Translation.translation_import('zh_CN', 'crm_plus', [PO])
    if user is not None:
        User.write([user], {'language': zh.id, 'email': f'{user.login}@example.com'})
    return zh



class _Data:
    def _expected(self, context, user=None, key=None):
        return test_sales.SalesAnalyticsTestCase._expected(self, context, user, key)


class MonthlyReportTestCase(_Data, unittest.TestCase):
    "Test the monthly management report"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def _pdf(self, user, month=MARCH['from_date']):
        Report = Pool().get('crm.analytics.monthly.report', type='report')
        with Transaction().set_user(user.id), Transaction().set_context(
                _check_access=True, language='zh_CN'):
            name, content = Report.render_for(user, month)
        self.assertTrue(name.endswith('2026-03.pdf'), name)
        return content

    @with_transaction()
    def test_figures_follow_rules(self):
        "The figures of every customer reconcile with the sales"
        data = test_sales.SalesAnalyticsTestCase._setup(self)
        company = data['company']
        everyone = monthly_figures(MARCH['from_date'], company.id)
        expected = {k: v for k, v in self._customers(data).items()}
        self.assertEqual(
            {r['rec_name']: r['amount'] for r in everyone['customers']},
            expected)
        # a representative's own figures: see test_pdf (under the
        # preferences context of render_for)

    def _customers(self, data, user=None):
        expected = self._expected(data['context'], user,
            key=lambda l: l.sale.party.rec_name)
        return {k: a for k, (a, _, _) in expected.items()}

    @with_transaction()
    def test_pdf(self):
        "The PDF has the Chinese headings, the figures and a drawn page"
        data = test_sales.SalesAnalyticsTestCase._setup(self)
        rep = data['users']['r1']
        chinese(rep)
        content = self._pdf(rep)
        with tempfile.TemporaryDirectory() as directory:
            result = pdf_pages(content, directory)
            if result is None:
                self.skipTest("poppler-utils is missing")
            pages, images = result
            self.assertTrue(images)
            self.assertGreater(os.path.getsize(images[0]), 1000)
        text = ''.join(pages)
        # the charts are drawn, not printed as markup
        self.assertNotIn('<svg', text)
        for heading in ["月度经营报告", "销售概况", "按地区销售", "按产品销售",
                "主要客户", "销售管道"]:
            self.assertIn(heading, text)
        amount = sum(self._customers(data, rep).values())
        self.assertIn("甲公司", text)
        self.assertNotIn("乙公司", text)
        self.assertIn(f'{amount:,.0f}', text)
        # a representative has no service section
        self.assertNotIn("服务概况", text)

    @with_transaction()
    def test_wizard(self):
        "The wizard prints the month, company and team chosen"
        pool = Pool()
        Wizard = pool.get('crm.analytics.monthly', type='wizard')
        data = test_sales.SalesAnalyticsTestCase._setup(self)
        company = data['company']
        session_id, _, _ = Wizard.create()
        with Transaction().set_context(company=company.id):
            wizard = Wizard(session_id)
            wizard.start.month = dt.date(2026, 3, 17)
            wizard.start.company = company
            wizard.start.team = data['teams'][1]
            action, report_data = wizard.do_print_(None)
        self.assertEqual(report_data, {'month': '2026-03-01',
                'company': company.id, 'team': data['teams'][1].id})
        with Transaction().set_context(company=company.id):
            figures = monthly_figures(dt.date(2026, 3, 1), company.id,
                data['teams'][1].id)
        self.assertEqual([r['rec_name'] for r in figures['customers']],
            ["乙公司"])
        Report = pool.get('crm.analytics.monthly.report', type='report')
        ext, content, _, _ = Report.execute([], report_data)
        self.assertEqual(ext, 'pdf')
        self.assertTrue(bytes(content).startswith(b'%PDF'))


class MonthlyMailTestCase(_Data, unittest.TestCase):
    "Test the scheduled e-mail of the monthly report (it commits)"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_send(self):
        "Each recipient gets the PDF of the previous month under their rules"
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Recipient = pool.get('crm.analytics.monthly.recipient')
        User = pool.get('res.user')
        Cron = pool.get('ir.cron')
        ModelData = pool.get('ir.model.data')
        data = test_sales.SalesAnalyticsTestCase._setup(self)
        rep = data['users']['r1']
        chinese(rep)
        admin = User(ModelData.get_id('res', 'user_admin'))
        User.write([admin], {'email': 'boss@example.com',
                'company': data['company'].id,
                'companies': [('add', [data['company'].id])]})
        nomail, = User.create([{'login': 'nomail', 'name': "N"}])
        Configuration.write([Configuration(1)], {
                'analytics_monthly_recipients': [
                    ('add', [rep.id, admin.id, nomail.id])]})
        self.assertEqual(len(Recipient.search([])), 3)
        cron, = Cron.search([
                ('method', '=',
                    'crm.analytics.monthly.recipient|send_reports')])
        self.assertEqual((cron.interval_type, cron.day), ('months', 1))
        transaction = Transaction()
        with SMTPServer() as smtp, smtp.configure():
            Recipient.send_reports(dt.date(2026, 4, 1))
            transaction.commit()
            self.assertEqual(len(smtp.messages), 2)
            messages = {m['To'].addresses[0].addr_spec: m
                for m in smtp.messages}
        self.assertEqual(set(messages),
            {'analytics_r1@example.com', 'boss@example.com'})
        texts = {}
        for address, message in messages.items():
            self.assertIn('2026-03', message['Subject'])
            attachment, = list(message.iter_attachments())
            self.assertEqual(attachment.get_content_type(), 'application/pdf')
            self.assertTrue(attachment.get_filename().endswith('.pdf'))
            with tempfile.TemporaryDirectory() as directory:
                result = pdf_pages(attachment.get_content(), directory)
                if result is None:
                    self.skipTest("poppler-utils is missing")
                texts[address] = ''.join(result[0])
        self.assertIn("月度经营报告", messages[
                'analytics_r1@example.com']['Subject'])
        self.assertIn("甲公司", texts["analytics_r1@example.com"])
        self.assertNotIn("乙公司", texts['analytics_r1@example.com'])
        self.assertIn("乙公司", texts['boss@example.com'])
        self.assertNotIn('<svg', texts['boss@example.com'])
