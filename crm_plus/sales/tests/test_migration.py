import datetime as dt
import unittest
from decimal import Decimal

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus.migration import rename_model
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

#: the models renamed from crm.sales.* to crm.sale.*
RENAMED = {
    'crm.sales.target': 'crm.sale.target',
    'crm.sales.forecast': 'crm.sale.forecast',
    'crm.sales.forecast.context': 'crm.sale.forecast.context',
    }


class MigrationTestCase(unittest.TestCase):
    "Test the update of databases made before the renames"

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    def _names(self, table, column, names):
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                column, where=column.in_(list(names))))
        return sorted(n for n, in cursor)

    @with_transaction()
    def test_sales_models_renamed(self):
        "A database with the crm.sales.* models keeps their data as crm.sale.*"
        pool = Pool()
        Target = pool.get('crm.sale.target')
        Model = pool.get('ir.model')
        ModelField = pool.get('ir.model.field')
        ModelAccess = pool.get('ir.model.access')
        ActWindow = pool.get('ir.action.act_window')
        Translation = pool.get('ir.translation')
        Attachment = pool.get('ir.attachment')
        TreeWidth = pool.get('ir.ui.view_tree_width')
        View = pool.get('ir.ui.view')
        User = pool.get('res.user')
        TableHandler = backend.TableHandler
        cursor = Transaction().connection.cursor()

        company = create_company()
        with set_company(company):
            target, = Target.create([{
                        'company': company.id,
                        'month': dt.date(2026, 5, 17),
                        'amount': Decimal('1200.00'),
                        }])
            attachment, = Attachment.create([{
                        'name': "target.txt",
                        'resource': str(target),
                        'data': b'plan',
                        }])
        TreeWidth.create([{
                    'model': 'crm.sale.target', 'field': 'amount',
                    'user': User(Transaction().user).id, 'width': 120,
                    }])

        views = {n: View.search_count([('model', '=', n)])
            for n in RENAMED.values()}
        self.assertTrue(all(views.values()))

        # Make the database the previous version left: the migration the
        # other way round, checked on the columns below
        for old, new in RENAMED.items():
            if new == Target.__name__:
                rename_model(new, old, Target._table, 'crm_sales_target')
            else:
                rename_model(new, old)
        self.assertTrue(TableHandler.table_exist('crm_sales_target'))
        self.assertFalse(TableHandler.table_exist('crm_sale_target'))
        ir_model = Model.__table__()
        ir_model_field = ModelField.__table__()
        ir_model_access = ModelAccess.__table__()
        act_window = ActWindow.__table__()
        tree_width = TreeWidth.__table__()
        translation = Translation.__table__()
        attachment_table = Attachment.__table__()
        checked = [
            (ir_model, ir_model.name),
            (ir_model_field, ir_model_field.model),
            (ir_model_access, ir_model_access.model),
            (act_window, act_window.res_model),
            (act_window, act_window.context_model),
            (tree_width, tree_width.model),
            ]
        for table, column in checked:
            self.assertEqual(
                self._names(table, column, RENAMED.values()), [])
        self.assertEqual(
            self._names(ir_model, ir_model.name, RENAMED), sorted(RENAMED))
        self.assertEqual(
            View.search_count([('model', 'in', list(RENAMED))]),
            sum(views.values()))
        self.assertTrue(TreeWidth.search(
                [('model', '=', 'crm.sales.target'),
                    ('field', '=', 'amount')]))
        cursor.execute(*attachment_table.select(
                attachment_table.resource,
                where=attachment_table.id == attachment.id))
        self.assertEqual(
            cursor.fetchall(), [('crm.sales.target,%s' % target.id,)])
        self.assertTrue(Translation.search([
                    ('name', '=', 'crm.sales.target,amount'),
                    ('type', '=', 'field'),
                    ]))

        # The update of the module
        for name in RENAMED.values():
            pool.get(name).__register__('crm_plus')

        self.assertFalse(TableHandler.table_exist('crm_sales_target'))
        target_table = Target.__table__()
        cursor.execute(*target_table.select(
                target_table.id, target_table.amount))
        self.assertEqual(
            [(i, Decimal(str(a))) for i, a in cursor],
            [(target.id, Decimal('1200.00'))])
        for table, column in checked:
            self.assertEqual(self._names(table, column, RENAMED), [])
        self.assertEqual(
            self._names(ir_model, ir_model.name, RENAMED.values()),
            sorted(RENAMED.values()))
        # One ir.model.field row per field, none created again
        for name in RENAMED.values():
            cursor.execute(*ir_model_field.select(
                    ir_model_field.name,
                    where=ir_model_field.model == name))
            field_names = [n for n, in cursor]
            self.assertEqual(
                sorted(field_names), sorted(pool.get(name)._fields))
        self.assertTrue(ModelAccess.search(
                [('model', '=', 'crm.sale.target')]))
        self.assertEqual(
            {n: View.search_count([('model', '=', n)]) for n in views},
            views)
        self.assertTrue(TreeWidth.search(
                [('model', '=', 'crm.sale.target'), ('field', '=', 'amount')]))
        self.assertEqual(
            self._names(translation, translation.name,
                ['crm.sales.target,amount']), [])
        self.assertTrue(Translation.search([
                    ('name', '=', 'crm.sale.target,amount'),
                    ('type', '=', 'field'),
                    ]))
        self.assertEqual(
            Attachment(attachment.id).resource, Target(target.id))
        with set_company(company):
            self.assertEqual(Target(target.id).amount, Decimal('1200.00'))

        # Running it again changes nothing
        for name in RENAMED.values():
            pool.get(name).__register__('crm_plus')
        self.assertEqual(
            self._names(ir_model, ir_model.name, RENAMED.values()),
            sorted(RENAMED.values()))

    @with_transaction()
    def test_loss_reason_renamed(self):
        "The category of the reason for loss moves from loss_reason"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        LostReason = pool.get('crm.lost_reason')
        Party = pool.get('party.party')
        cursor = Transaction().connection.cursor()

        company = create_company()
        with set_company(company):
            party, = Party.create([{'name': "Customer"}])
            reason, = LostReason.create([{'name': "Price"}])
            opportunity, = Opportunity.create([{
                        'party': party.id,
                        'lost_reason_category': reason.id,
                        'lost_reason': "Cheaper offer",
                        }])

        table_h = Opportunity.__table_handler__('crm_plus')
        table_h.column_rename('lost_reason_category', 'loss_reason')
        self.assertFalse(table_h.column_exist('lost_reason_category'))

        Opportunity.__register__('crm_plus')

        table_h = Opportunity.__table_handler__('crm_plus')
        self.assertFalse(table_h.column_exist('loss_reason'))
        table = Opportunity.__table__()
        cursor.execute(*table.select(
                table.lost_reason_category, table.lost_reason,
                where=table.id == opportunity.id))
        self.assertEqual(cursor.fetchall(), [(reason.id, "Cheaper offer")])

