import datetime as dt
import json
import unittest
from unittest.mock import patch

from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.modules.crm_plus.service.sla import BusinessHours
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

T = dt.time
WORKDAY = [(T(9), T(12)), (T(13), T(18))]
STANDARD = {d: WORKDAY for d in range(5)}


def utc(day, hour, minute=0):
    "The naive UTC datetime of December 2026, day at hour:minute in Shanghai"
    return dt.datetime(2026, 12, day, hour, minute) - dt.timedelta(hours=8)


# December 2026: Friday 4, Saturday 5, Monday 7, Tuesday 8
class BusinessHoursTestCase(unittest.TestCase):
    "Test the business hours calculator (no database)"

    def setUp(self):
        self.hours = BusinessHours(STANDARD, {}, 'Asia/Shanghai')

    def test_naive_utc(self):
        "Datetimes in and out are naive UTC, hours are local"
        start = dt.datetime(2026, 12, 8, 1, 0)  # 09:00 in Shanghai
        self.assertEqual(
            self.hours.add(start, 60), dt.datetime(2026, 12, 8, 2, 0))
        # 08:00 in Shanghai is before the day starts
        self.assertEqual(
            self.hours.add(dt.datetime(2026, 12, 8, 0, 0), 0),
            dt.datetime(2026, 12, 8, 1, 0))

    def test_lunch(self):
        "The lunch break does not count"
        self.assertEqual(self.hours.add(utc(8, 11, 30), 60), utc(8, 13, 30))
        self.assertEqual(self.hours.elapsed(utc(8, 11, 30), utc(8, 13, 30)),
            60)
        self.assertEqual(self.hours.elapsed(utc(8, 12), utc(8, 13)), 0)

    def test_night(self):
        "The night does not count"
        self.assertEqual(self.hours.add(utc(8, 20), 30), utc(9, 9, 30))
        self.assertEqual(self.hours.add(utc(8, 17), 90), utc(9, 9, 30))

    def test_end_of_day(self):
        "Due at the end of the day, not at the start of the next"
        self.assertEqual(self.hours.add(utc(4, 17), 60), utc(4, 18))

    def test_weekend(self):
        "Friday 17:30 plus an hour is Monday 09:30"
        self.assertEqual(self.hours.add(utc(4, 17, 30), 60), utc(7, 9, 30))
        self.assertEqual(
            self.hours.elapsed(utc(4, 17, 30), utc(7, 10)), 90)
        self.assertEqual(
            self.hours.elapsed(utc(7, 10), utc(4, 17, 30)), -90)

    def test_holiday(self):
        "A holiday does not count"
        hours = BusinessHours(STANDARD, {dt.date(2026, 12, 7): []},
            'Asia/Shanghai')
        self.assertEqual(hours.add(utc(4, 17, 30), 60), utc(8, 9, 30))
        self.assertEqual(hours.elapsed(utc(4, 17, 30), utc(8, 10)), 90)

    def test_make_up_working_day(self):
        "A make-up Saturday (调休) works"
        hours = BusinessHours(STANDARD, {dt.date(2026, 12, 5): WORKDAY},
            'Asia/Shanghai')
        self.assertEqual(hours.add(utc(4, 17, 30), 60), utc(5, 9, 30))
        own = BusinessHours(STANDARD, {dt.date(2026, 12, 5): [
                    (T(10), T(11))]}, 'Asia/Shanghai')
        self.assertEqual(own.add(utc(4, 17, 30), 60), utc(5, 10, 30))
        self.assertEqual(own.add(utc(4, 17, 30), 120), utc(7, 9, 30))

    def test_overlapping_lines(self):
        "Overlapping lines of a day count once"
        hours = BusinessHours({0: [(T(9), T(12)), (T(11), T(13))]}, {},
            'Asia/Shanghai')
        self.assertEqual(hours.elapsed(utc(7, 0), utc(7, 23)), 240)

    def test_long_duration(self):
        "A week of business hours"
        self.assertEqual(self.hours.add(utc(7, 9), 5 * 480), utc(11, 18))
        self.assertEqual(self.hours.elapsed(utc(7, 9), utc(14, 9)), 2400)

    def test_never_working(self):
        "A calendar without hours gives no due time"
        self.assertIsNone(BusinessHours({}, {}, 'UTC').add(utc(7, 9), 1))
        holidays = BusinessHours({}, {dt.date(2026, 12, 5): []}, 'UTC')
        self.assertIsNone(holidays.add(utc(4, 9), 1))
        self.assertEqual(holidays.elapsed(utc(4, 9), utc(8, 9)), 0)


class Clock:
    "The frozen time of Ticket._now"

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


class SlaTestCase(unittest.TestCase):
    "Test service levels and assignment of tickets"

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
        self.clock = Clock(utc(4, 17, 30))

    def frozen(self):
        Ticket = Pool().get('crm.ticket')
        return patch.object(Ticket, '_now', self.clock)

    def agents(self, company, names, manager=None):
        "A team of new employees with a user each"
        pool = Pool()
        Team = pool.get('crm.team')
        User = pool.get('res.user')
        employees = [create_employee(company, n) for n in names]
        for employee in employees + ([manager] if manager else []):
            User.create([{
                        'login': employee.party.name.lower(),
                        'name': employee.party.name,
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [employee.id])],
                        'employee': employee.id,
                        }])
        team, = Team.create([{
                    'name': "Support " + names[0],
                    'company': company.id,
                    'manager': manager.id if manager else None,
                    'members': [('add', [e.id for e in employees])],
                    }])
        return team, employees

    def ticket(self, party, **values):
        Ticket = Pool().get('crm.ticket')
        ticket, = Ticket.create([{
                    'party': party.id,
                    'subject': "Noise",
                    **values,
                    }])
        return ticket

    def customer(self, **values):
        Party = Pool().get('party.party')
        party, = Party.create([{'name': "Customer", **values}])
        return party

    @with_transaction()
    def test_due_friday_evening(self):
        "A ticket created Friday 17:30 is due on Monday and Wednesday"
        pool = Pool()
        Ticket = pool.get('crm.ticket')
        Message = pool.get('crm.ticket.message')
        company = create_company()
        with set_company(company), self.frozen():
            ticket = self.ticket(self.customer())
            self.assertEqual(ticket.sla_policy.priority, 'normal')
            # 4 business hours: 30 min on Friday, 3 h 30 on Monday
            self.assertEqual(ticket.first_response_due, utc(7, 13, 30))
            # 24 business hours: 0.5 + 8 + 8 + 7.5
            self.assertEqual(ticket.resolution_due, utc(9, 17, 30))

            self.clock.now = utc(7, 9)
            ticket = Ticket(ticket.id)
            self.assertEqual(ticket.sla_remaining_minutes, 210)
            self.assertEqual(ticket.sla_remaining, "3 h 30 min")
            self.assertEqual(ticket.sla_status, 'ok')
            self.clock.now = utc(7, 13)
            ticket = Ticket(ticket.id)
            self.assertEqual(ticket.sla_status, 'warning')

            # urgent: 1 h to answer, 8 h to resolve
            Ticket.write([ticket], {'priority': 'urgent'})
            self.assertEqual(ticket.first_response_due, utc(7, 9, 30))
            self.assertEqual(ticket.resolution_due, utc(7, 17, 30))
            ticket = Ticket(ticket.id)
            self.assertEqual(ticket.sla_status, 'breached')
            self.assertEqual(ticket.sla_remaining, "Overdue by 2 h 30 min")

            # answered late: the first response is breached, then the
            # resolution clock shows
            Message.create([{
                        'ticket': ticket.id, 'kind': 'reply', 'body': "Hi"}])
            ticket = Ticket(ticket.id)
            self.assertTrue(ticket.first_response_breached)
            self.assertEqual(ticket.sla_remaining_minutes, 270)

    @with_transaction()
    def test_policy_level_first(self):
        "A policy for the customer's level is preferred, then sequence"
        pool = Pool()
        Level = pool.get('crm.customer.level')
        Policy = pool.get('crm.sla.policy')
        ModelData = pool.get('ir.model.data')
        calendar = ModelData.get_id('crm_plus', 'sla_calendar_standard')
        company = create_company()
        vip, = Level.create([{'name': "VIP"}])
        gold, any_ = Policy.create([{
                    'name': "VIP", 'sequence': 100, 'level': vip.id,
                    'calendar': calendar, 'first_response_hours': 0.5,
                    'resolution_hours': 4,
                    }, {
                    'name': "First", 'sequence': 1, 'calendar': calendar,
                    'first_response_hours': 2, 'resolution_hours': 8,
                    }])
        with set_company(company), self.frozen():
            ticket = self.ticket(self.customer(crm_level=vip.id))
            self.assertEqual(ticket.sla_policy, gold)
            self.assertEqual(ticket.first_response_due, utc(4, 18))
            ticket = self.ticket(self.customer())
            self.assertEqual(ticket.sla_policy, any_)
            Policy.write([any_], {'active': False})
            ticket = self.ticket(self.customer(), priority='low')
            self.assertEqual(ticket.sla_policy.priority, 'low')

    @with_transaction()
    def test_special_days(self):
        "The holidays and make-up days of the calendar count"
        pool = Pool()
        Day = pool.get('crm.service.calendar.day')
        ModelData = pool.get('ir.model.data')
        calendar = ModelData.get_id('crm_plus', 'sla_calendar_standard')
        company = create_company()
        Day.create([{
                    'calendar': calendar, 'date': dt.date(2026, 12, 5),
                    'kind': 'working', 'weekday': '0', 'name': "调休",
                    }, {
                    'calendar': calendar, 'date': dt.date(2026, 12, 7),
                    'kind': 'holiday', 'name': "Holiday",
                    }])
        with set_company(company), self.frozen():
            ticket = self.ticket(self.customer(), priority='urgent')
            self.assertEqual(ticket.first_response_due, utc(5, 9, 30))
            # 8 h: 0.5 Friday, 7.5 Saturday
            self.assertEqual(ticket.resolution_due, utc(5, 17, 30))

    @with_transaction()
    def test_pause_while_waiting(self):
        "Waiting on the customer pushes the resolution due time"
        pool = Pool()
        Ticket = pool.get('crm.ticket')
        Message = pool.get('crm.ticket.message')
        company = create_company()
        self.clock.now = utc(8, 9)
        with set_company(company), self.frozen():
            team, (agent,) = self.agents(company, ["Alice"])
            ticket = self.ticket(
                self.customer(), team=team.id, assignee=agent.id)
            self.assertEqual(ticket.resolution_due, utc(10, 18))
            Ticket.start([ticket])
            Message.create([{
                        'ticket': ticket.id, 'kind': 'reply', 'body': "?"}])
            self.clock.now = utc(8, 10)
            Ticket.wait([ticket])
            self.assertEqual(ticket.sla_paused_since, utc(8, 10))
            self.clock.now = utc(8, 11)
            ticket = Ticket(ticket.id)
            self.assertEqual(ticket.sla_status, 'paused')
            left = ticket.sla_remaining_minutes
            self.clock.now = utc(9, 11)
            self.assertEqual(Ticket(ticket.id).sla_remaining_minutes, left)
            # the escalation leaves the waiting ticket alone
            self.assertEqual(Ticket.sla_escalate(utc(11, 17)), [])

            self.clock.now = utc(8, 14)
            Ticket.resume([ticket])
            # 10:00-12:00 and 13:00-14:00
            self.assertEqual(ticket.sla_paused_minutes, 180)
            self.assertIsNone(ticket.sla_paused_since)
            self.assertEqual(ticket.resolution_due, utc(11, 12))
            Ticket.wait([ticket])
            self.clock.now = utc(8, 15)
            ticket.resolution = "Done"
            ticket.save()
            Ticket.resolve([ticket])
            self.assertEqual(ticket.sla_paused_minutes, 240)
            self.assertEqual(ticket.resolution_due, utc(11, 14))
            self.assertFalse(ticket.resolution_breached)

    @with_transaction()
    def test_escalation_once(self):
        "The cron warns the assignee, then the manager, once each"
        pool = Pool()
        Ticket = pool.get('crm.ticket')
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        company = create_company()
        self.clock.now = utc(8, 9)
        with set_company(company), self.frozen():
            manager = create_employee(company, "Boss")
            team, (agent,) = self.agents(company, ["Alice"], manager)
            ticket = self.ticket(
                self.customer(), team=team.id, assignee=agent.id)
            # 4 business hours: 09:00-12:00, 13:00-14:00
            self.assertEqual(ticket.first_response_due, utc(8, 14))
            alice, = User.search([('login', '=', 'alice')])
            boss, = User.search([('login', '=', 'boss')])

            def notified(user):
                return Notification.search([('user', '=', user.id)])

            self.assertEqual(Ticket.sla_escalate(utc(8, 11, 30)), [])
            for now in [utc(8, 13, 30), utc(8, 13, 40)]:
                Ticket.sla_escalate(now)
            warning, = ticket.sla_events
            self.assertEqual(
                (warning.kind, warning.stage), ('first_response', 'warning'))
            notification, = notified(alice)
            self.assertEqual(json.loads(notification.records), [ticket.id])
            self.assertEqual(notified(boss), [])
            self.assertFalse(Ticket(ticket.id).first_response_breached)

            for now in [utc(8, 14, 30), utc(8, 16)]:
                Ticket.sla_escalate(now)
            ticket = Ticket(ticket.id)
            self.assertEqual(
                sorted((e.kind, e.stage) for e in ticket.sla_events),
                [('first_response', 'breach'), ('first_response', 'warning')])
            self.assertTrue(ticket.first_response_breached)
            self.assertEqual(len(notified(boss)), 1)
            self.assertEqual(len(notified(alice)), 1)

    @with_transaction()
    def test_round_robin_skips_absent(self):
        "Round robin gives each agent present their turn"
        pool = Pool()
        Rule = pool.get('crm.ticket.assignment.rule')
        Employee = pool.get('company.employee')
        company = create_company()
        with set_company(company), self.frozen():
            team, agents = self.agents(company, ["A", "B", "C"])
            a, b, c = sorted(agents, key=lambda e: e.id)
            rule, = Rule.create([{'name': "All", 'team': team.id}])
            Employee.crm_mark_absent([b])
            customer = self.customer()
            tickets = [self.ticket(customer) for _ in range(4)]
            self.assertEqual([t.assignee for t in tickets], [a, c, a, c])
            self.assertEqual({t.state for t in tickets}, {'assigned'})
            self.assertEqual({t.team for t in tickets}, {team})
            self.assertIn('"All"', tickets[0].transitions[0].comment)
            Employee.crm_mark_present([b])
            tickets = [self.ticket(customer) for _ in range(3)]
            self.assertEqual([t.assignee for t in tickets], [a, b, c])

            # nobody present: the team only
            Employee.crm_mark_absent([a, b, c])
            ticket = self.ticket(customer)
            self.assertEqual(
                (ticket.team, ticket.assignee, ticket.state),
                (team, None, 'new'))

    @with_transaction()
    def test_least_open(self):
        "Least open tickets gives the agent with the fewest open tickets"
        pool = Pool()
        Rule = pool.get('crm.ticket.assignment.rule')
        Ticket = pool.get('crm.ticket')
        company = create_company()
        with set_company(company), self.frozen():
            team, agents = self.agents(company, ["A", "B", "C"])
            a, b, c = sorted(agents, key=lambda e: e.id)
            customer = self.customer()
            for agent, count in [(a, 2), (c, 1)]:
                for _ in range(count):
                    self.ticket(customer, team=team.id, assignee=agent.id)
            done = self.ticket(customer, team=team.id, assignee=b.id)
            Ticket.cancel([done])
            Rule.create([{
                        'name': "Least", 'team': team.id,
                        'strategy': 'least_open'}])
            tickets = [self.ticket(customer) for _ in range(3)]
            # B (0), then B and C tie at 1: C is after B in turn
            self.assertEqual([t.assignee for t in tickets], [b, c, b])

    @with_transaction()
    def test_rule_order_and_criteria(self):
        "The first matching rule in sequence gives the team"
        pool = Pool()
        Rule = pool.get('crm.ticket.assignment.rule')
        Country = pool.get('country.country')
        Subdivision = pool.get('country.subdivision')
        Level = pool.get('crm.customer.level')
        company = create_company()
        with set_company(company), self.frozen():
            urgent_team, (u,) = self.agents(company, ["U"])
            east_team, (e,) = self.agents(company, ["E"])
            vip_team, (v,) = self.agents(company, ["V"])
            other_team, (o,) = self.agents(company, ["O"])
            china, = Country.create([{'name': "China", 'code': 'CN'}])
            shanghai, beijing = Subdivision.create([{
                        'country': china.id, 'name': "上海市",
                        'code': 'CN-SH', 'type': 'municipality',
                        }, {
                        'country': china.id, 'name': "北京市",
                        'code': 'CN-BJ', 'type': 'municipality',
                        }])
            vip, = Level.create([{'name': "VIP"}])
            Rule.create([{
                        'name': "Urgent", 'sequence': 1,
                        'priority': 'urgent', 'team': urgent_team.id,
                        }, {
                        'name': "Shanghai", 'sequence': 2,
                        'subdivision': shanghai.id, 'team': east_team.id,
                        }, {
                        'name': "VIP", 'sequence': 3,
                        'level': vip.id, 'team': vip_team.id,
                        }, {
                        'name': "Other", 'sequence': 4,
                        'team': other_team.id,
                        }])
            in_shanghai = self.customer(
                addresses=[('create', [{'subdivision': shanghai.id}])])
            in_beijing = self.customer(
                crm_level=vip.id,
                addresses=[('create', [{'subdivision': beijing.id}])])
            for party, priority, agent in [
                    (in_shanghai, 'urgent', u),
                    (in_shanghai, 'normal', e),
                    (in_beijing, 'normal', v),
                    (self.customer(), 'low', o),
                    ]:
                with self.subTest(party=party.id, priority=priority):
                    ticket = self.ticket(party, priority=priority)
                    self.assertEqual(ticket.assignee, agent)

            # a ticket given its team is not routed
            ticket = self.ticket(in_shanghai, team=vip_team.id)
            self.assertEqual((ticket.team, ticket.assignee),
                (vip_team, None))

    @with_transaction()
    def test_reassignment_recorded(self):
        "Writing another assignee or team is in the history"
        pool = Pool()
        Ticket = pool.get('crm.ticket')
        company = create_company()
        with set_company(company), self.frozen():
            team, (a, b) = self.agents(company, ["Ann", "Ben"])
            other, (c,) = self.agents(company, ["Cat"])
            ticket = self.ticket(self.customer(), team=team.id)
            # the first assignee within the team is an assignment
            Ticket.write([ticket], {'assignee': a.id})
            Ticket.assign([ticket])
            self.assertEqual(len(ticket.transitions), 2)
            Ticket.write([ticket], {'assignee': b.id})
            Ticket.write([ticket], {'team': other.id, 'assignee': c.id})
            ticket = Ticket(ticket.id)
            self.assertEqual(
                [(t.from_state, t.to_state, t.comment)
                    for t in ticket.transitions[:2]], [
                    ('assigned', 'assigned',
                        "Reassigned from Ben (Support Ann) "
                        "to Cat (Support Cat)."),
                    ('assigned', 'assigned',
                        "Reassigned from Ann (Support Ann) "
                        "to Ben (Support Ann)."),
                    ])
