"""The read path of the customers resource (rows.py) answers what the
generic path (Model.read) answers, for every field, language and user."""
import datetime as dt
import json

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus.tests.tools import CrmPlusDatabase
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction, check_access


class ApiRowsTestCase(CrmPlusDatabase, TestCase):
    "Test the SQL read path of the API customers"

    def create_customers(self):
        pool = Pool()
        Party = pool.get('party.party')
        Category = pool.get('party.category')
        Industry = pool.get('crm.industry')
        Country = pool.get('country.country')
        Translation = pool.get('ir.translation')
        china, = Country.create([{'name': "China", 'code': 'CN'}])
        parent, = Category.create([{'name': "VIP"}])
        gold, silver = Category.create([
                {'name': "Gold", 'parent': parent.id},
                {'name': "Silver", 'active': False}])
        industry, = Industry.create([{'name': "Machinery"}])
        Translation.create([{
                    'name': 'crm.industry,name', 'type': 'model',
                    'lang': 'zh_CN', 'res_id': industry.id,
                    'src': "Machinery", 'value': "机械制造",
                    'module': 'crm_plus', 'fuzzy': False}])
        customers = Party.create([{
                    'name': "上海华信机械制造有限公司", 'crm_kind': 'enterprise',
                    'crm_industry': industry.id, 'crm_uscc':
                    '91310000MA1FL8TQ36',
                    'categories': [('add', [silver.id, gold.id, parent.id])],
                    'contact_mechanisms': [('create', [
                                {'type': 'phone', 'value': '021-62345678',
                                    'sequence': 20},
                                {'type': 'phone', 'value': '021-62345679',
                                    'sequence': 10},
                                {'type': 'email', 'value': 'old@hx.cn',
                                    'active': False},
                                {'type': 'email', 'value': 'a@hx.cn'},
                                {'type': 'mobile', 'value': '13812345678'},
                                ])],
                    'addresses': [('create', [
                                {'street': "春东路1号", 'sequence': 5,
                                    'country': china.id},
                                {'street': "春东路2号", 'sequence': 1,
                                    'country': china.id},
                                ])],
                    }, {
                    'name': "王芳", 'crm_kind': 'individual',
                    'crm_birthday': dt.date(1990, 5, 17),
                    'crm_id_number': '11010519491231002X',
                    'addresses': [('create', [
                                {'street': "old", 'active': False}])],
                    }, {
                    'name': "张伟", 'crm_kind': 'individual',
                    }])
        return customers

    def assert_same(self, resource, records):
        from trytond.modules.crm_plus.api.resource import Resource
        fields = resource.readable()
        rows = Resource.read_rows(resource, [r.id for r in records], fields)
        expected = [resource.output(rows[r.id], r, fields) for r in records]
        self.assertEqual(json.dumps(resource.dump_many(records, fields)),
            json.dumps(expected, default=str))
        for record, answer in zip(records, expected):
            self.assertEqual(resource.read_visible(record.id, fields), answer)

    @with_transaction()
    def test_same_as_model_read(self):
        "The customers read by SQL are those Party.read gives"
        from trytond.modules.crm_plus.api.resources import RESOURCES
        resource = RESOURCES['customers']
        company = create_company()
        with set_company(company):
            customers = self.create_customers()
            for language in ['en', 'zh_CN']:
                with Transaction().set_context(language=language):
                    self.assert_same(resource, customers)
            # addresses as seen from a company without address
            with Transaction().set_context(address_from_country=None):
                self.assert_same(resource, customers)

    @with_transaction()
    def test_read_visible_rules(self):
        "A record the user may not read is a 404, not a row"
        from trytond.modules.crm_plus.api.resource import ApiError
        from trytond.modules.crm_plus.api.resources import RESOURCES
        pool = Pool()
        Party = pool.get('party.party')
        resource = RESOURCES['customers']
        company = create_company()
        with set_company(company):
            customer, = Party.create([{
                        'name': "苏州", 'crm_kind': 'enterprise'}])
            other, = Party.create([{'name': "Supplier"}])
            with check_access():
                fields = resource.readable()
                self.assertEqual(
                    resource.read_visible(customer.id, fields)[0]['id'],
                    customer.id)
                # not a customer: outside the domain of the resource
                for id_ in [other.id, 2 ** 31, 0]:
                    with self.assertRaises(ApiError) as raised:
                        resource.read_visible(id_, fields)
                    self.assertEqual(raised.exception.status, 404)


