"""The Export to Excel / CSV wizard on the service and sales reports."""
import csv
import datetime as dt
import io
import os
import unittest
from unittest.mock import patch

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ...tests.tools import CrmPlusDatabase

PO = os.path.join(
    os.path.dirname(__file__), '..', '..', 'locale', 'zh_CN.po')
NOW = dt.datetime(2026, 3, 6, 0, 0)


class ExportTestCase(CrmPlusDatabase, unittest.TestCase):
    "Test the export of reports"

    def chinese(self):
        "The zh_CN language with crm_plus's translations"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        zh, = Lang.search([('code', '=', 'zh_CN')])
        zh.translatable = True
        zh.save()
        Translation.translation_import('zh_CN', 'crm_plus', PO)

    def user(self, company, login, group, employee=None):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        employee = employee or create_employee(company, login)
        user, = User.create([{
                    'login': login,
                    'name': login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'employees': [('add', [employee.id])],
                    'employee': employee.id,
                    'groups': [('add', [
                                ModelData.get_id('crm_plus', group)])],
                    }])
        return user, employee

    def tickets(self, company, employees):
        "Tickets of two agents: a1 3 (2 resolved), b1 1 open"
        pool = Pool()
        Party = pool.get('party.party')
        Team = pool.get('crm.team')
        Ticket = pool.get('crm.ticket')
        team_a, team_b = Team.create([{
                    'name': "A", 'company': company.id,
                    'members': [('add', [employees[0].id])],
                    }, {
                    'name': "B", 'company': company.id,
                    'members': [('add', [employees[1].id])],
                    }])
        party, = Party.create([{'name': "客户"}])
        table = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        with set_company(company):
            for subject, team, agent, state, hours in [
                    ('t1', team_a, 0, 'resolved', 10),
                    ('t2', team_a, 0, 'resolved', 30),
                    ('t3', team_a, 0, 'in_progress', None),
                    ('t4', team_b, 1, 'new', None),
                    ]:
                ticket, = Ticket.create([{
                            'party': party.id, 'subject': subject,
                            'team': team.id,
                            'assignee': employees[agent].id,
                            }])
                created = dt.datetime(2026, 3, 2, 8)
                cursor.execute(*table.update(
                        [table.create_date, table.state, table.resolved_date],
                        [created, state,
                            created + dt.timedelta(hours=hours)
                            if hours else None],
                        where=table.id == ticket.id))
        return {
            'company': company.id,
            'from_date': dt.date(2026, 3, 1),
            'to_date': dt.date(2026, 3, 31),
            }

    def export(self, model, format, context, ids=None, user=None):
        "The (file name, content, rows) of the wizard run on the model"
        pool = Pool()
        Export = pool.get('crm.analytics.export', type='wizard')
        Ticket = pool.get('crm.ticket')
        transaction = Transaction()
        context = dict(context, active_model=model, active_ids=ids or [],
            active_id=(ids or [None])[0])
        with patch.object(Ticket, '_now', return_value=NOW), \
                transaction.set_user(user.id if user else 0), \
                transaction.set_context(**context):
            session_id, start, _ = Export.create()
            result = Export.execute(session_id, {
                    start: {'format': format}}, 'export')
            Export.delete(session_id)
        values = result['view']['defaults']
        return values['filename'], values['file'], values['rows']

    @with_transaction()
    def test_xlsx(self):
        "A service report in XLSX: Chinese headers, numbers as numbers"
        from openpyxl import load_workbook
        pool = Pool()
        Report = pool.get('crm.ticket.report.agent')
        company = create_company()
        self.chinese()
        employees = [create_employee(company, n) for n in ['a1', 'b1']]
        context = self.tickets(company, employees)
        filename, data, rows = self.export(
            'crm.ticket.report.agent', 'xlsx',
            dict(context, language='zh_CN'))
        self.assertTrue(filename.endswith('.xlsx'))
        self.assertEqual(rows, 2)
        sheet = load_workbook(io.BytesIO(data)).active
        headers = [c.value for c in sheet[1]]
        self.assertEqual(headers[:2], ["客服人员", "工单数"])
        with Transaction().set_context(language='zh_CN'):
            strings = Report.fields_get()
        self.assertEqual(headers[2], strings['first_response_time']['string'])
        self.assertTrue(all(any('\u4e00' <= ch <= '\u9fff' for ch in h)
                for h in headers), headers)
        self.assertEqual(sheet.max_row, 3)
        body = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
        self.assertEqual(set(body), {'a1', 'b1'})
        number = body['a1'][1]
        self.assertEqual((number.value, number.data_type), (3, 'n'))
        self.assertEqual(number.number_format, '#,##0')
        resolution = body['a1'][headers.index(
                strings['resolution_time']['string'])]
        self.assertEqual(resolution.data_type, 'n')
        self.assertAlmostEqual(resolution.value, 20.0)
        self.assertEqual(resolution.number_format, '#,##0.0')
        rate = body['a1'][headers.index(
                strings['resolution_rate']['string'])]
        self.assertAlmostEqual(rate.value, 2 / 3)
        self.assertEqual(rate.number_format, '#,##0.0000')
        # the selected rows only
        b1 = employees[1].id + 1
        _, data, rows = self.export(
            'crm.ticket.report.agent', 'xlsx', context, ids=[b1])
        sheet = load_workbook(io.BytesIO(data)).active
        self.assertEqual(rows, 1)
        self.assertEqual([c.value for c in sheet[2]][:2], ['b1', 1])
        self.assertEqual(sheet[1][1].value, "Tickets")

    @with_transaction()
    def test_dates(self):
        "Dates and times are dates in XLSX, ISO dates in CSV"
        from openpyxl import load_workbook
        pool = Pool()
        Model = pool.get('crm.churn.model')
        company = create_company()
        trained = dt.datetime(2026, 11, 30, 3, 4, 5)
        model, = Model.create([{
                    'company': company.id, 'version': 1,
                    'trained_at': trained, 'cutoff_date': dt.date(2026, 6, 3),
                    'rows': 1234, 'auc': 0.8123, 'parameters': '{}',
                    }])
        _, data, _ = self.export('crm.churn.model', 'xlsx', {})
        sheet = load_workbook(io.BytesIO(data)).active
        headers = [c.value for c in sheet[1]]
        row = dict(zip(headers, sheet[2]))
        self.assertTrue(row["Trained At"].is_date)
        self.assertEqual(row["Trained At"].value, trained)
        self.assertTrue(row["Cut-off Date"].is_date)
        self.assertEqual(row["Cut-off Date"].value.date(),
            dt.date(2026, 6, 3))
        self.assertEqual(row["Cut-off Date"].number_format, 'yyyy-mm-dd')
        self.assertEqual(row["Rows"].value, 1234)
        self.assertEqual(row["Company"].value, company.rec_name)
        self.assertEqual(row["Hold-out AUC"].value, 0.8123)
        _, data, _ = self.export('crm.churn.model', 'csv', {})
        reader = csv.DictReader(io.StringIO(data.decode('utf-8-sig')))
        line, = list(reader)
        self.assertEqual(line["Trained At"], '2026-11-30 03:04:05')
        self.assertEqual(line["Cut-off Date"], '2026-06-03')

    @with_transaction()
    def test_csv(self):
        "A service report in CSV: UTF-8 with a BOM, Chinese headers"
        company = create_company()
        self.chinese()
        employees = [create_employee(company, n) for n in ['a1', 'b1']]
        context = self.tickets(company, employees)
        filename, data, rows = self.export(
            'crm.ticket.report.agent', 'csv',
            dict(context, language='zh_CN'))
        self.assertTrue(filename.endswith('.csv'))
        self.assertTrue(data.startswith(b'\xef\xbb\xbf'))
        lines = list(csv.reader(io.StringIO(data.decode('utf-8-sig'))))
        self.assertEqual(lines[0][:2], ["客服人员", "工单数"])
        body = {line[0]: line for line in lines[1:]}
        self.assertEqual(set(body), {'a1', 'b1'})
        self.assertEqual(body['a1'][1], '3')
        self.assertEqual(float(body['a1'][3]), 20.0)

    @with_transaction()
    def test_rules(self):
        "A representative's export holds only their figures"
        from openpyxl import load_workbook
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Party = pool.get('party.party')
        Stage = pool.get('crm.pipeline.stage')
        company = create_company()
        rep1, emp1 = self.user(company, 'export_rep1', 'group_sales_rep')
        rep2, emp2 = self.user(company, 'export_rep2', 'group_sales_rep')
        with set_company(company):
            customer1, customer2 = Party.create([
                    {'name': "甲", 'crm_owner': emp1.id},
                    {'name': "乙", 'crm_owner': emp2.id}])
            Opportunity.create([{
                        'party': party.id, 'employee': employee.id,
                        'amount': amount,
                        } for party, employee, amount in [
                        (customer1, emp1, 100), (customer2, emp2, 1000),
                        (customer2, emp2, 2000)]])
        context = {'company': company.id}

        def numbers(user):
            _, data, _ = self.export(
                'crm.pipeline.stage.report', 'xlsx', context, user=user)
            sheet = load_workbook(io.BytesIO(data)).active
            headers = [c.value for c in sheet[1]]
            rows = [dict(zip(headers, (c.value for c in r)))
                for r in sheet.iter_rows(min_row=2)]
            return headers, rows

        headers, rows = numbers(None)
        self.assertIn("Stage", headers)
        self.assertEqual(sum(r["Number"] for r in rows), 3)
        self.assertEqual(sum(r["Amount"] for r in rows), 3100)
        initial = Stage.search([], order=[('sequence', 'ASC')])[0]
        self.assertIn(
            dict(Stage.fields_get(['kind'])['kind']['selection'])[
                initial.kind], {r["Kind"] for r in rows})
        _, rows = numbers(rep1)
        self.assertEqual(sum(r["Number"] for r in rows), 1)
        self.assertEqual(sum(r["Amount"] for r in rows), 100)
        _, rows = numbers(rep2)
        self.assertEqual(sum(r["Amount"] for r in rows), 3000)

        # no model access, no export
        with self.assertRaises(AccessError):
            self.export('crm.ticket.report.agent', 'csv', context, user=rep1)
        # not a list of rows
        with self.assertRaises(AccessError):
            self.export('crm.analytics.export.start', 'csv', context)
