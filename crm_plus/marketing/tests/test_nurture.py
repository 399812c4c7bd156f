"""Nurturing on leads: who enters a scenario, whom Notify Owner notifies.

The end-to-end sequence (e-mails over SMTP, tracking routes, delays) is
scenario_marketing_nurture.rst; these tests run the scenario's trigger and
its activities directly in the test transaction.
"""
import json
import unittest

from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from ...tests.smtp import SMTPServer
from ...tests.tools import CrmPlusDatabase


class NurtureTestCase(CrmPlusDatabase, unittest.TestCase):
    "Test lead nurturing"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The stock activities join an SMTP data manager, which connects
        # when their transaction commits
        cls.smtp = SMTPServer().start()
        cls._smtp_config = cls.smtp.configure()
        cls._smtp_config.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls._smtp_config.__exit__(None, None, None)
        cls.smtp.stop()
        super().tearDownClass()

    def _scenario(self, **activity):
        pool = Pool()
        Scenario = pool.get('marketing.automation.scenario')
        scenario, = Scenario.create([{
                    'name': "培育",
                    'model': 'crm.lead',
                    'domain': '[["state", "=", "new"]]',
                    'activities': [('create', [dict({
                                        'name': "通知负责人",
                                        'action': 'notify_owner',
                                        'notify_description': (
                                            "请跟进 ${record.name}"),
                                        }, **activity)])],
                    }])
        Scenario.run([scenario])
        return scenario

    def _user(self, company, employee, login):
        User = Pool().get('res.user')
        user, = User.create([{
                    'login': login,
                    'name': login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'employees': [('add', [employee.id])],
                    'employee': employee.id,
                    }])
        return user

    def _process(self, scenario):
        "Run the due record activities of the scenario as the cron would"
        RecordActivity = Pool().get('marketing.automation.record.activity')
        activities = RecordActivity.search([
                ('record.scenario', '=', scenario.id),
                ('state', '=', 'waiting'),
                ])
        RecordActivity.do(activities)
        return activities

    @with_transaction()
    def test_trigger_leads(self):
        "Leads enter once; a customer who unsubscribed keeps its leads out"
        pool = Pool()
        Lead = pool.get('crm.lead')
        Party = pool.get('party.party')
        Record = pool.get('marketing.automation.record')
        company = create_company()
        with set_company(company):
            scenario = self._scenario()
            unsubscribed, subscribed = Party.create([
                    {'name': "退订客户"}, {'name': "普通客户"}])
            Party.write([unsubscribed], {
                    'marketing_scenario_unsubscribed': [
                        ('add', [scenario.id])]})
            alone, of_unsubscribed, of_subscribed, working = Lead.create([
                    {'name': "无客户"},
                    {'name': "退订者", 'party': unsubscribed.id},
                    {'name': "客户线索", 'party': subscribed.id},
                    {'name': "跟进中", 'state': 'working'},
                    ])

            self.assertEqual(
                Lead.search([('marketing_party', '=', subscribed.id)]),
                [of_subscribed])
            scenario.trigger([scenario])
            scenario.trigger([scenario])

            records = Record.search([('scenario', '=', scenario.id)])
            self.assertEqual(
                sorted(r.record.name for r in records),
                sorted([alone.name, of_subscribed.name]))

    @with_transaction()
    def test_email_consent(self):
        """The e-mail of a sequence goes to a lead without customer and to
        a customer who granted e-mails, not to one who did not"""
        pool = Pool()
        Lead = pool.get('crm.lead')
        Party = pool.get('party.party')
        Consent = pool.get('crm.consent')
        Scenario = pool.get('marketing.automation.scenario')
        Email = pool.get('ir.email')
        company = create_company()
        with set_company(company):
            scenario, = Scenario.create([{
                        'name': "欢迎",
                        'model': 'crm.lead',
                        'domain': '[["state", "=", "new"]]',
                        'activities': [('create', [{
                                        'name': "欢迎邮件",
                                        'action': 'send_email',
                                        'email_title': "欢迎",
                                        'email_template': (
                                            '<p>${record.name}您好</p>'),
                                        }])],
                        }])
            Scenario.run([scenario])
            granted, silent, withdrawn = Party.create([
                    {'name': "同意客户"}, {'name': "未表态客户"},
                    {'name': "撤回客户"}])
            Consent.record([granted, withdrawn], 'email', 'granted', "展会")
            Consent.record([withdrawn], 'email', 'withdrawn', "电话")
            Lead.create([
                    {'name': "无客户", 'email': 'alone@example.com'},
                    {'name': "同意", 'email': 'granted@example.com',
                        'party': granted.id},
                    {'name': "未表态", 'email': 'silent@example.com',
                        'party': silent.id},
                    {'name': "撤回", 'email': 'withdrawn@example.com',
                        'party': withdrawn.id},
                    ])
            scenario.trigger([scenario])
            self.assertEqual(len(self._process(scenario)), 4)
            # the e-mails sent (at commit) are logged
            emails = Email.search([
                    ('marketing_automation_record.scenario', '=',
                        scenario.id)])
            self.assertEqual(sorted(e.recipients for e in emails),
                ['同意 <granted@example.com>', '无客户 <alone@example.com>'])

    @with_transaction()
    def test_notify_owner(self):
        "The owner's users are notified, else the fallback user, else nobody"
        pool = Pool()
        Lead = pool.get('crm.lead')
        Notification = pool.get('res.notification')
        FollowUp = pool.get('crm.follow_up')
        company = create_company()
        with set_company(company):
            rep = create_employee(company, "张伟")
            rep_user = self._user(company, rep, 'nurture_rep')
            no_user = create_employee(company, "李娜")
            fallback = self._user(
                company, create_employee(company, "王经理"), 'nurture_fb')
            owned, orphan, unowned = Lead.create([
                    {'name': "甲", 'owner': rep.id},
                    {'name': "乙", 'owner': no_user.id},
                    {'name': "丙"},
                    ])
            scenario = self._scenario(
                notify_user=fallback.id, notify_follow_up_days=2)
            scenario.trigger([scenario])
            done = self._process(scenario)
            self.assertEqual({a.state for a in done}, {'done'})
            self.assertEqual(self.smtp.messages, [])

            notices = Notification.search([
                    ('model', '=', 'crm.lead')], order=[('id', 'ASC')])
            by_lead = {json.loads(n.records)[0]: n for n in notices}
            self.assertEqual(by_lead[owned.id].user, rep_user)
            self.assertEqual(by_lead[owned.id].description, "请跟进 甲")
            self.assertEqual(by_lead[orphan.id].user, fallback)
            self.assertEqual(by_lead[unowned.id].user, fallback)
            self.assertEqual(by_lead[owned.id].label, "通知负责人")
            # No customer, no follow-up
            self.assertEqual(FollowUp.search([]), [])

            # Without fallback the lead without owner notifies no one
            other = self._scenario()
            lead, = Lead.create([{'name': "丁"}])
            other.trigger([other])
            self._process(other)
            self.assertFalse(Notification.search([
                        ('model', '=', 'crm.lead'),
                        ('records', '=', json.dumps([lead.id])),
                        ]))
