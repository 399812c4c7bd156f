"""The service efficiency report against a handmade set of tickets."""
import datetime as dt
import unittest
from unittest.mock import patch

from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

H = dt.timedelta(hours=1)
NOW = dt.datetime(2026, 3, 6, 0, 0)


class ServiceReportTestCase(unittest.TestCase):
    "Test the service efficiency report"

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    def _setup(self):
        pool = Pool()
        Party = pool.get('party.party')
        Team = pool.get('crm.team')
        Ticket = pool.get('crm.ticket')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company = create_company()
        employees, users = {}, {}
        for login in ['a1', 'b1']:
            employees[login] = create_employee(company, login)
            users[login], = User.create([{
                        'login': f'report_{login}',
                        'name': login,
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [employees[login].id])],
                        'employee': employees[login].id,
                        'groups': [('add', [ModelData.get_id(
                                        'crm_plus', 'group_service_agent')])],
                        }])
        team_a, team_b = Team.create([{
                    'name': "A", 'company': company.id,
                    'members': [('add', [employees['a1'].id])],
                    }, {
                    'name': "B", 'company': company.id,
                    'members': [('add', [employees['b1'].id])],
                    }])
        party, = Party.create([{'name': "客户"}])
        # team, agent, created, first response and resolution after
        # (hours), state, first response and resolution due after, reopened
        rows = {
            't1': (team_a, 'a1', dt.datetime(2026, 3, 2, 8), 2, 10,
                'resolved', 4, 24, 0),
            't2': (team_a, 'a1', dt.datetime(2026, 3, 3, 8), 4, 30,
                'closed', 4, 24, 1),
            't3': (team_a, 'a1', dt.datetime(2026, 3, 5, 9), None, None,
                'in_progress', None, None, 0),
            't4': (team_b, 'b1', dt.datetime(2026, 3, 4, 8), 1, 5,
                'resolved', None, None, 0),
            't5': (team_b, 'b1', dt.datetime(2026, 2, 20, 8), None, None,
                'new', None, None, 0),
            't6': (team_a, 'a1', dt.datetime(2026, 3, 2, 9), None, None,
                'cancelled', None, None, 0),
            # outside the range of the context
            't7': (team_a, 'a1', dt.datetime(2026, 1, 31, 23), 1, 1,
                'resolved', None, None, 0),
            }
        table = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        tickets = {}
        with set_company(company):
            for name, (team, agent, created, response, resolution, state,
                    response_due, resolution_due, reopened) in rows.items():
                ticket, = Ticket.create([{
                            'party': party.id,
                            'subject': name,
                            'team': team.id,
                            'assignee': employees[agent].id,
                            }])
                tickets[name] = ticket

                def after(hours):
                    return created + hours * H if hours is not None else None
                cursor.execute(*table.update([
                            table.create_date, table.first_response_date,
                            table.resolved_date, table.state,
                            table.first_response_due, table.resolution_due,
                            table.reopen_count], [
                            created, after(response), after(resolution),
                            state, after(response_due), after(resolution_due),
                            reopened],
                        where=table.id == ticket.id))
        context = {
            'company': company.id,
            'from_date': dt.date(2026, 2, 1),
            'to_date': dt.date(2026, 3, 31),
            }
        return company, employees, users, (team_a, team_b), tickets, context

    def _rows(self, model, context, user=None):
        pool = Pool()
        Report = pool.get(model)
        Ticket = pool.get('crm.ticket')
        with patch.object(Ticket, '_now', return_value=NOW), \
                Transaction().set_context(**context):
            if user is not None:
                with Transaction().set_user(user.id), \
                        Transaction().set_context(_check_access=True):
                    return Report.search([])
            return Report.search([])

    @with_transaction()
    def test_agent_figures(self):
        "The figures per agent are those of the handmade tickets"
        company, employees, users, teams, tickets, context = self._setup()
        Survey = Pool().get('crm.ticket.survey')
        # a promoter and a detractor for a1, a promoter for b1
        Survey.create([{'ticket': tickets[t].id, 'party': tickets[t].party.id,
                    'company': company.id, 'csat': csat, 'nps': nps,
                    'state': 'answered'}
                for t, csat, nps in [('t1', 5, 10), ('t2', 2, 3),
                    ('t4', 4, 9)]])
        rows = {r.assignee.rec_name: r
            for r in self._rows('crm.ticket.report.agent', context)}
        self.assertEqual(set(rows), {'a1', 'b1'})
        a1, b1 = rows['a1'], rows['b1']
        self.assertEqual(a1.id, employees['a1'].id + 1)
        self.assertEqual(a1.number, 3)
        self.assertAlmostEqual(a1.first_response_time, 3.0)
        self.assertAlmostEqual(a1.resolution_time, 20.0)
        self.assertEqual(a1.sla_tickets, 2)
        self.assertAlmostEqual(a1.sla_compliance, 0.5)
        self.assertEqual(a1.resolved, 2)
        self.assertAlmostEqual(a1.resolution_rate, 2 / 3)
        self.assertEqual(a1.reopened, 1)
        self.assertAlmostEqual(a1.reopen_rate, 0.5)
        self.assertEqual(
            (a1.backlog, a1.backlog_1d, a1.backlog_3d, a1.backlog_7d,
                a1.backlog_older), (1, 1, 0, 0, 0))
        self.assertEqual((a1.surveys, a1.csat, a1.nps), (2, 3.5, 0.0))
        self.assertEqual((b1.surveys, b1.csat, b1.nps), (1, 4.0, 100.0))
        self.assertEqual(b1.number, 2)
        self.assertAlmostEqual(b1.first_response_time, 1.0)
        self.assertAlmostEqual(b1.resolution_time, 5.0)
        self.assertEqual(b1.sla_tickets, 0)
        self.assertIsNone(b1.sla_compliance)
        self.assertAlmostEqual(b1.resolution_rate, 0.5)
        self.assertAlmostEqual(b1.reopen_rate, 0.0)
        self.assertEqual(
            (b1.backlog, b1.backlog_1d, b1.backlog_older), (1, 0, 1))
        self.assertEqual(b1.rec_name, 'b1')

    @with_transaction()
    def test_other_groupings(self):
        "Per team, type, product and month"
        company, employees, users, teams, tickets, context = self._setup()
        team_a, team_b = teams
        by_team = {r.team: r.number
            for r in self._rows('crm.ticket.report.team', context)}
        self.assertEqual(by_team, {team_a: 3, team_b: 2})
        by_type = self._rows('crm.ticket.report.type', context)
        self.assertEqual([r.number for r in by_type], [5])
        by_product, = self._rows('crm.ticket.report.product', context)
        self.assertIsNone(by_product.product)
        self.assertEqual(by_product.id, 1)
        self.assertTrue(by_product.rec_name)
        by_month = self._rows('crm.ticket.report.month', context)
        self.assertEqual(
            [(r.month, r.number) for r in by_month],
            [(dt.date(2026, 2, 1), 1), (dt.date(2026, 3, 1), 4)])
        self.assertAlmostEqual(by_month[1].first_response_time, 7 / 3)
        # the team of the context
        by_team = {r.team: r.number for r in self._rows(
                'crm.ticket.report.team', dict(context, team=team_b.id))}
        self.assertEqual(by_team, {team_b: 2})
        # no range: the ticket of January too
        by_month = self._rows('crm.ticket.report.month', {
                'company': company.id})
        self.assertEqual([r.number for r in by_month], [1, 1, 4])

    @with_transaction()
    def test_agent_sees_own_team(self):
        "A service agent's figures are those of the tickets they may read"
        company, employees, users, teams, tickets, context = self._setup()
        team_a, team_b = teams
        rows = self._rows('crm.ticket.report.agent', context, users['a1'])
        self.assertEqual([r.assignee for r in rows], [employees['a1']])
        self.assertEqual(rows[0].number, 3)
        rows = self._rows('crm.ticket.report.team', context, users['b1'])
        self.assertEqual([(r.team, r.number) for r in rows], [(team_b, 2)])
        # the rows count the tickets the agent can list, whatever the rules
        Ticket = Pool().get('crm.ticket')
        Ticket.write([tickets['t5']], {'team': None})
        rows = self._rows('crm.ticket.report.team', context, users['a1'])
        with Transaction().set_user(users['a1'].id), \
                Transaction().set_context(_check_access=True, **context):
            listed = Ticket.search([
                    ('company', '=', company.id),
                    ('state', '!=', 'cancelled'),
                    ('create_date', '>=', dt.datetime(2026, 2, 1)),
                    ])
        self.assertEqual(sum(r.number for r in rows), len(listed))
        self.assertIn(team_a, [r.team for r in rows])
        self.assertNotIn(team_b, [r.team for r in rows])

    @with_transaction()
    def test_drill_down(self):
        "The tickets of a row are those it counts"
        pool = Pool()
        Ticket = pool.get('crm.ticket')
        ReportOpen = pool.get('crm.ticket.report.open', type='wizard')
        company, employees, users, teams, tickets, context = self._setup()
        for model, expected in [
                ('crm.ticket.report.agent', {'t1', 't2', 't3'}),
                ('crm.ticket.report.month', {'t1', 't2', 't3', 't4'}),
                ]:
            rows = self._rows(model, context)
            Report = pool.get(model)
            row = rows[0] if model.endswith('agent') else rows[1]
            with Transaction().set_context(**context):
                domain = Report.ticket_domain([row])
                found = {t.subject for t in Ticket.search(domain)}
            self.assertEqual(found, expected)
            self.assertEqual(row.number, len(found))
        with Transaction().set_context(
                active_model='crm.ticket.report.agent',
                active_ids=[employees['b1'].id + 1],
                active_id=employees['b1'].id + 1, **context):
            session_id, _, _ = ReportOpen.create()
            wizard = ReportOpen(session_id)
            action, _ = wizard.do_open({'name': "Tickets"})
        self.assertIn('pyson_domain', action)
        self.assertIn('b1', action['name'])
