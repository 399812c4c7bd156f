"""The read path of the customers resource (rows.py) answers what the
generic path (Model.read) answers, for every field, language and user."""
import datetime as dt
import json
from unittest import mock

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
    def test_cached_names_follow_changes(self):
        """The cached formatted addresses and tag names change with what
        they read: the country, the region, the tags, their translations;
        a transaction that writes reads the addresses afresh"""
        from trytond.modules.crm_plus.api.resources import RESOURCES
        pool = Pool()
        Address = pool.get('party.address')
        Category = pool.get('party.category')
        Country = pool.get('country.country')
        Party = pool.get('party.party')
        Region = pool.get('crm.region')
        Translation = pool.get('ir.translation')
        resource = RESOURCES['customers']
        fields = resource.readable()
        transaction = Transaction()
        company = create_company()
        with set_company(company):
            customer = self.create_customers()[0]
            france, = Country.create([{'name': "France", 'code': 'FR'}])
            city, = Region.create([{'name': "苏州市", 'code': '320500',
                        'level': 'city'}])
            address = Party.address_get(customer)
            address.country = france
            address.save()
            other, = Party.create([{'name': "苏州客户", 'crm_kind': 'enterprise',
                        'addresses': [('create', [{'street': "人民路1号",
                                        'crm_city': city.id}])]}])

            def check(party, language='zh_CN', readonly=True):
                """The answer, checked against the ORM's figures of now, in
                a read-only transaction (the cache's) or not"""
                with transaction.set_context(language=language), \
                        mock.patch.object(transaction, 'readonly', readonly):
                    answer = resource.read_visible(party.id, fields)[0]
                    first = Party.address_get(party)
                    self.assertEqual(answer['address'],
                        Address.read([first.id], ['full_address'])[0][
                            'full_address'])
                    tags = Party.read([party.id], ['categories'])[0][
                        'categories']
                    self.assertEqual(answer['tags'], [c['rec_name']
                            for c in Category.read(tags, ['rec_name'])])
                return answer

            # each first read fills the cache, the next after a change
            # must not answer from it
            check(customer, 'en')
            check(other)
            france.name = "French Republic"
            france.save()
            self.assertIn("FRENCH REPUBLIC", check(customer, 'en')['address'])
            city.name = "昆山市"
            city.save()
            self.assertIn("昆山", check(other)['address'])
            gold, = Category.search([('name', '=', "Gold")])
            gold.parent.name = "VVIP"
            gold.parent.save()
            self.assertIn("VVIP / Gold", check(customer)['tags'])
            Translation.create([{
                        'name': 'party.category,name', 'type': 'model',
                        'lang': 'zh_CN', 'res_id': gold.id, 'src': "Gold",
                        'value': "金牌", 'module': 'crm_plus',
                        'fuzzy': False}])
            self.assertIn("VVIP / 金牌", check(customer)['tags'])
            # the write keeps the address's write date of this transaction
            address.street = "春东路3号"
            address.save()
            self.assertIn("春东路3号",
                check(customer, readonly=False)['address'])

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


