from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus.tests.tools import CrmPlusDatabase
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction


class AddressTestCase(CrmPlusDatabase, TestCase):
    "Test the Chinese addresses"

    def create_china(self):
        "China with the English names that trytond_import_countries gives"
        pool = Pool()
        Country = pool.get('country.country')
        Subdivision = pool.get('country.subdivision')
        Region = pool.get('crm.region')
        china, = Country.create([{'name': "China", 'code': 'CN'}])
        shanghai, guangdong = Subdivision.create([{
                    'name': "Shanghai Shi", 'code': 'CN-SH',
                    'type': 'municipality', 'country': china.id,
                    }, {
                    'name': "Guangdong Sheng", 'code': 'CN-GD',
                    'type': 'province', 'country': china.id,
                    }])
        Transaction().cache.clear()

        def region(name, code_prefix):
            record, = Region.search([
                    ('name', '=', name), ('code', 'like', code_prefix + '%')])
            return record
        self.regions = {
            '上海市': region("上海市", '3101'),
            '闵行区': region("闵行区", '31'),
            '深圳市': region("深圳市", '44'),
            '南山区': region("南山区", '44'),
            }
        return china, shanghai, guangdong

    def create_chinese_company(self, china):
        pool = Pool()
        Address = pool.get('party.address')
        company = create_company(name="上海华信机械制造有限公司")
        Address.write(list(company.party.addresses), {'country': china.id})
        return company

    def create_address(self, **values):
        pool = Pool()
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        party, = Party.create([{'name': "深圳星辰科技有限公司"}])
        address, = Address.create([{'party': party.id, **values}])
        return address

    @with_transaction()
    def test_default_country_company(self):
        "A new address is in the country of the company"
        pool = Pool()
        Address = pool.get('party.address')
        china, _, _ = self.create_china()
        self.assertIsNone(Address.default_country())
        company = self.create_chinese_company(china)
        with set_company(company):
            self.assertEqual(Address.default_country(), china.id)
            address = self.create_address()
            self.assertEqual(address.country, china)

    @with_transaction()
    def test_subdivision_search_without_country(self):
        "The province is found by its Chinese name before a country is set"
        pool = Pool()
        Address = pool.get('party.address')
        Subdivision = pool.get('country.subdivision')
        _, shanghai, guangdong = self.create_china()
        domain = Address.fields_get(['subdivision'])['subdivision']['domain']
        domain = PYSONDecoder({
                'country': None, 'subdivision_types': [],
                }).decode(domain)
        for text, subdivision in [
                ("上海", shanghai), ("广东", guangdong),
                ("Guangdong", guangdong)]:
            with self.subTest(text=text):
                self.assertEqual(Subdivision.search([
                            domain,
                            ('rec_name', 'ilike', '%' + text + '%'),
                            ]), [subdivision])

    @with_transaction()
    def test_structured_street_chinese(self):
        "Every part of a structured street is kept, in Chinese order"
        china, shanghai, _ = self.create_china()
        address = self.create_address(
            country=china.id, street_name="张江路", building_number="88",
            building_name="科技大厦", floor_number="12", room_number="1201")
        with Transaction().set_context(language='zh_CN'):
            self.assertEqual(
                address.__class__(address.id).street,
                "张江路88号科技大厦12层1201室")
        with Transaction().set_context(language='en'):
            street = address.__class__(address.id).street
        for part in ["张江路", "88", "科技大厦", "12", "1201"]:
            self.assertIn(part, street)
        # A number typed with its unit is not repeated
        numbered = self.create_address(
            country=china.id, street_name="张江路", building_number="88号")
        with Transaction().set_context(language='zh_CN'):
            self.assertEqual(
                numbered.__class__(numbered.id).street, "张江路88号")

    @with_transaction()
    def test_full_address_shanghai(self):
        "A municipality is written once, without English or the country"
        china, shanghai, _ = self.create_china()
        company = self.create_chinese_company(china)
        with set_company(company), \
                Transaction().set_context(language='zh_CN'):
            address = self.create_address(
                country=china.id, subdivision=shanghai.id,
                crm_district=self.regions['闵行区'].id,
                crm_city=self.regions['上海市'].id,
                street_name="春东路", building_number="100",
                postal_code="201203")
            address = address.__class__(address.id)
            self.assertEqual(
                address.full_address, "201203\n上海市闵行区春东路100号")
            self.assertEqual(
                address.rec_name,
                "深圳星辰科技有限公司, 上海市闵行区春东路100号, 201203")

            # Typed without the city record: 上海 is still not repeated
            typed = self.create_address(
                country=china.id, subdivision=shanghai.id, city="上海",
                street_unstructured="闵行区春东路100号")
            self.assertEqual(
                typed.__class__(typed.id).full_address,
                "上海市闵行区春东路100号")

    @with_transaction()
    def test_full_address_guangdong(self):
        "A province address reads province, city, district, street"
        china, _, guangdong = self.create_china()
        company = self.create_chinese_company(china)
        with set_company(company), \
                Transaction().set_context(language='zh_CN'):
            address = self.create_address(
                country=china.id, subdivision=guangdong.id,
                crm_city=self.regions['深圳市'].id,
                crm_district=self.regions['南山区'].id,
                street_name="高新南一道", building_number="9",
                building_name="创维大厦", postal_code="518057")
            address = address.__class__(address.id)
            self.assertEqual(
                address.full_address,
                "518057\n广东省深圳市南山区高新南一道9号创维大厦")
            for english in ["China", "CHINA", "Guangdong", ", CN"]:
                self.assertNotIn(english, address.full_address)
                self.assertNotIn(english, address.rec_name)

    @with_transaction()
    def test_full_address_foreign_company(self):
        "The country is written in the reader's language when not domestic"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Country = pool.get('country.country')
        china, _, guangdong = self.create_china()
        Lang.write(Lang.search([('code', '=', 'zh_CN')]), {
                'translatable': True})
        with Transaction().set_context(language='zh_CN'):
            Country.write([china], {'name': "中国"})
            address = self.create_address(
                country=china.id, subdivision=guangdong.id,
                crm_district=self.regions['南山区'].id,
                street_unstructured="高新南一道9号")
            address = address.__class__(address.id)
            self.assertEqual(
                address.full_address, "中国广东省深圳市南山区高新南一道9号")

    @with_transaction()
    def test_sale_address_text(self):
        "The addresses of a sale read in Chinese without the country code"
        pool = Pool()
        Sale = pool.get('sale.sale')
        china, shanghai, _ = self.create_china()
        company = self.create_chinese_company(china)
        with set_company(company), \
                Transaction().set_context(language='zh_CN'):
            address = self.create_address(
                subdivision=shanghai.id, crm_district=self.regions['闵行区'].id,
                street_name="春东路", building_number="100",
                postal_code="201203")
            self.assertEqual(address.country, china)
            sale, = Sale.create([{
                        'party': address.party.id,
                        'invoice_address': address.id,
                        'shipment_address': address.id,
                        }])
            sale = Sale(sale.id)
            for text in [
                    sale.invoice_address.rec_name,
                    sale.shipment_address.rec_name,
                    sale.report_address,
                    sale.delivery_full_address]:
                with self.subTest(text=text):
                    self.assertIn("上海市闵行区春东路100号", text)
                    self.assertNotIn(", CN", text)
                    self.assertNotIn("CHINA", text)
                    self.assertNotIn("上海市上海", text)

    @with_transaction()
    def test_full_address_city_without_district(self):
        "The single district of 东莞, named after the city, is not repeated"
        pool = Pool()
        Region = pool.get('crm.region')
        china, _, guangdong = self.create_china()
        company = self.create_chinese_company(china)
        dongguan, = Region.search([('code', '=', '441900')])
        with set_company(company), \
                Transaction().set_context(language='zh_CN'):
            address = self.create_address(
                crm_district=dongguan.id, crm_city=dongguan.parent.id,
                subdivision=guangdong.id, street_unstructured="松山湖工业北路1号")
            self.assertEqual(
                address.__class__(address.id).full_address,
                "广东省东莞市松山湖工业北路1号")
