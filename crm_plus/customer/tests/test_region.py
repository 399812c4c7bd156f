from trytond.modules.crm_plus.customer.region import read_regions
from trytond.modules.crm_plus.tests.tools import CrmPlusDatabase
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction


class RegionTestCase(CrmPlusDatabase, TestCase):
    "Test the administrative regions"

    @with_transaction()
    def test_regions_loaded(self):
        "The province, city and district data set is loaded"
        Region = Pool().get('crm.region')
        self.assertEqual(
            Region.search_count([('level', '=', 'province')]), 31)
        self.assertGreater(Region.search_count([('level', '=', 'city')]), 330)
        self.assertGreater(
            Region.search_count([('level', '=', 'district')]), 2900)
        jiangsu, = Region.search([('name', '=', "江苏省")])
        self.assertEqual(
            (jiangsu.code, jiangsu.subdivision_code), ('32', 'CN-JS'))
        suzhou, = Region.search([('name', '=', "苏州市")])
        self.assertEqual(
            (suzhou.level, suzhou.parent, suzhou.subdivision_code),
            ('city', jiangsu, 'CN-JS'))
        gusu, = Region.search([('name', '=', "姑苏区")])
        self.assertEqual(
            (gusu.code, gusu.level, gusu.parent), ('320508', 'district', suzhou))

    @with_transaction()
    def test_municipality_single_city(self):
        "A municipality has one city named after it"
        Region = Pool().get('crm.region')
        chongqing, = Region.search([
                ('name', '=', "重庆市"), ('level', '=', 'province')])
        city, = chongqing.children
        self.assertEqual(city.name, "重庆市")
        self.assertIn("城口县", [d.name for d in city.children])

    @with_transaction()
    def test_reload_restores_changes(self):
        "Loading again restores changed rows and keeps the ids"
        Region = Pool().get('crm.region')
        gusu, = Region.search([('code', '=', '320508')])
        Region.write([gusu], {'name': "Changed", 'active': False})
        with Transaction().set_context(active_test=False):
            count = Region.search_count([])
            Region._load_regions()
            Transaction().cache.clear()
            gusu = Region(gusu.id)
            self.assertEqual((gusu.name, gusu.active), ("姑苏区", True))
            self.assertEqual(Region.search_count([]), count)
            self.assertEqual(count, len(read_regions()))

    @with_transaction()
    def test_link_subdivision_created_later(self):
        "Regions link to the subdivision with their province ISO code"
        pool = Pool()
        Region = pool.get('crm.region')
        Country = pool.get('country.country')
        Subdivision = pool.get('country.subdivision')
        china, = Country.create([{'name': "China", 'code': 'CN'}])
        jiangsu, = Subdivision.create([{
                    'name': "Jiangsu", 'code': 'CN-JS', 'type': 'province',
                    'country': china.id}])
        Transaction().cache.clear()
        suzhou, = Region.search([('name', '=', "苏州市")])
        self.assertEqual(suzhou.subdivision, jiangsu)
        self.assertEqual(suzhou.parent.subdivision, jiangsu)
        self.assertEqual(
            Region.search_count([('subdivision', '=', jiangsu.id)]),
            len([r for r in read_regions() if r['iso'] == 'CN-JS']))

