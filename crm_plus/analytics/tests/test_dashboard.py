"""The role dashboards: the one opened at login and their panels as each
role reads them."""
import unittest

from lxml import etree

from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from . import test_sales

BOARDS = {
    'group_sales_rep': 'act_dashboard_rep',
    'group_sales_manager': 'act_dashboard_manager',
    'group_crm_admin': 'act_dashboard_admin',
    }


class DashboardTestCase(unittest.TestCase):
    "Test the role dashboards"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def _user(self, data, login, group):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company = data['company']
        user, = User.create([{
                    'login': login, 'name': login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [ModelData.get_id('crm_plus', group)])],
                    }])
        return user

    def _action(self, xml_id):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        ActWindow = pool.get('ir.action.act_window')
        return ActWindow(ModelData.get_id('crm_plus', xml_id))

    def _preferences(self, user):
        User = Pool().get('res.user')
        with Transaction().set_user(user.id):
            return User.get_preferences()

    @with_transaction()
    def test_login_action(self):
        "A CRM user without actions gets the dashboard of their widest role"
        pool = Pool()
        User = pool.get('res.user')
        data = test_sales.SalesAnalyticsTestCase._setup(self)
        rep = data['users']['r1']
        manager = self._user(data, 'dash_manager', 'group_sales_manager')
        admin = self._user(data, 'dash_admin', 'group_crm_admin')
        other = User(User.create([{'login': 'dash_other', 'name': "O"}])[0])
        for user, board in [(rep, 'act_dashboard_rep'),
                (manager, 'act_dashboard_manager'),
                (admin, 'act_dashboard_admin')]:
            with self.subTest(user=user.login):
                self.assertEqual(self._preferences(user)['actions'],
                    [self._action(board).action.id])
        self.assertEqual(self._preferences(other)['actions'], [])
        # the user's own choice wins
        follow_ups = self._action('act_follow_up_my')
        User.write([rep], {'actions': [('add', [follow_ups.action.id])]})
        self.assertEqual(
            self._preferences(rep)['actions'], [follow_ups.action.id])
        # the administrator keeps the stock login actions
        admin_id = pool.get('ir.model.data').get_id('res', 'user_admin')
        self.assertNotIn(self._action('act_dashboard_admin').action.id,
            self._preferences(User(admin_id))['actions'])


class DashboardPanelTestCase(DashboardTestCase):
    """Test the panels of the role dashboards, on a database of their own:
    after test_login_action, its users' logins were taken on SQLite"""
    test_login_action = None

    @with_transaction()
    def test_panels(self):
        """Each panel of each board reads as its role with the action's
        domain and context; a representative's pipeline holds only their
        own deals"""
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        data = test_sales.SalesAnalyticsTestCase._setup(self)
        users = {
            'group_sales_rep': data['users']['r1'],
            'group_sales_manager': self._user(
                data, 'dash_manager', 'group_sales_manager'),
            'group_crm_admin': self._user(
                data, 'dash_admin', 'group_crm_admin'),
            }
        company = data['company']
        for login in ['r1', 'r2']:
            Opportunity.create([{
                        'party': data['customers'][login == 'r2'].id,
                        'company': company.id,
                        'employee': data['employees'][login].id,
                        'amount': 100 if login == 'r1' else 900,
                        'currency': company.currency.id,
                        }])
        for group, board in BOARDS.items():
            user = users[group]
            view, = self._action(board).act_window_views
            self.assertEqual(view.view.type, 'board')
            names = [a.get('name').split('.', 1)[1] for a in etree.fromstring(
                    view.view.arch).iter('action')]
            self.assertTrue(names)
            with Transaction().set_user(user.id), Transaction().set_context(
                    company=company.id, employee=(
                        data['employees']['r1'].id
                        if group == 'group_sales_rep' else None),
                    _check_access=True):
                context = Transaction().context.copy()
                context['_user'] = user.id
                for name in names:
                    action = self._action(name)
                    Model = pool.get(action.res_model)
                    values, = pool.get('ir.action.act_window').read(
                        [action.id], ['pyson_domain', 'pyson_context'])
                    decoder = PYSONDecoder(context)
                    domain = decoder.decode(values['pyson_domain'])
                    panel_context = decoder.decode(values['pyson_context'])
                    with self.subTest(board=board, panel=name), \
                            Transaction().set_context(panel_context):
                        # the views of the panel, as sao asks them
                        for act_view in action.act_window_views:
                            Model.fields_view_get(
                                view_id=act_view.view.id)
                        rows = Model.search_read(domain, fields_names=[
                                'rec_name'])
                        if name == 'act_dashboard_my_pipeline':
                            number = sum(r['number'] for r in
                                Model.search_read(domain,
                                    fields_names=['number']))
                            self.assertEqual(number, 1)
                        self.assertIsInstance(rows, list)
