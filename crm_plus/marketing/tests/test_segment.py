"""Dynamic segments: every criterion type, AND/OR nesting, the seeds'
example, preview under the user's rules and freezing into a mailing list."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from ..segment import years_before


class SegmentTestCase(unittest.TestCase):
    "Test dynamic segments"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    # Data ------------------------------------------------------------------
    def _setup(self):
        pool = Pool()
        Party = pool.get('party.party')
        Country = pool.get('country.country')
        Subdivision = pool.get('country.subdivision')
        Region = pool.get('crm.region')
        Industry = pool.get('crm.industry')
        Level = pool.get('crm.customer.level')
        Source = pool.get('crm.customer.source')
        Category = pool.get('party.category')
        ProductCategory = pool.get('product.category')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Team = pool.get('crm.team')
        Date = pool.get('ir.date')
        company = create_company()
        d = self.d = {'company': company}
        with set_company(company):
            d['today'] = today = Date.today()
            d['rep'] = create_employee(company, "Rep")
            d['team'], = Team.create([{'name': "East", 'company': company}])
        cn, = Country.create([{'name': "China", 'code': 'CN'}])
        d['zj'], d['gd'] = Subdivision.create([
                {'name': "浙江", 'code': 'CN-ZJ', 'type': 'province',
                    'country': cn},
                {'name': "广东", 'code': 'CN-GD', 'type': 'province',
                    'country': cn},
                ])
        d['hz'], = Region.create([{'code': '9901', 'name': "杭州",
                    'level': 'city', 'subdivision': d['zj']}])
        d['xh'], = Region.create([{'code': '990101', 'name': "西湖",
                    'level': 'district', 'parent': d['hz']}])
        d['tech'], d['food'] = Industry.create(
            [{'name': "Tech"}, {'name': "Food"}])
        d['vip'], = Level.create([{'name': "VIP"}])
        d['web'], = Source.create([{'name': "Web"}])
        d['tag'], = Category.create([{'name': "Key"}])
        d['subtag'], = Category.create([{'name': "Sub", 'parent': d['tag']}])
        d['beauty'], = ProductCategory.create([{'name': "Beauty"}])
        d['skin'], = ProductCategory.create(
            [{'name': "Skin", 'parent': d['beauty']}])
        d['tools'], = ProductCategory.create([{'name': "Tools"}])
        unit, = Uom.search([('symbol', '=', 'u')], limit=1)
        d['unit'] = unit
        cream_t, hammer_t = Template.create([{
                    'name': "Cream", 'default_uom': unit, 'salable': True, 'sale_uom': unit,
                    'categories': [('add', [d['skin'].id])],
                    'products': [('create', [{}])],
                    }, {
                    'name': "Hammer", 'default_uom': unit, 'salable': True, 'sale_uom': unit,
                    'categories': [('add', [d['tools'].id])],
                    'products': [('create', [{}])],
                    }])
        d['cream'], = cream_t.products
        d['hammer'], = hammer_t.products

        def person(name, gender, age, **values):
            birthday = (years_before(today, age) - dt.timedelta(days=100)
                if age is not None else None)
            return dict(name=name, crm_kind='individual', crm_gender=gender,
                crm_birthday=birthday, **values)
        p = d['p'] = {}
        for key, values in {
                # 25-year-old woman, bought cream 2 months ago, in Hangzhou
                'anna': person("Anna", 'female', 25, addresses=[('create', [{
                                'subdivision': d['zj'], 'crm_city': d['hz'],
                                'crm_district': d['xh']}])],
                    contact_mechanisms=[('create', [{
                                'type': 'email', 'value': 'anna@example.cn'}])],
                    categories=[('add', [d['subtag'].id])]),
                # 35-year-old woman, bought cream 2 years ago
                'bella': person("Bella", 'female', 35, crm_level=d['vip'],
                    crm_owner=d['rep'], crm_team=d['team'],
                    contact_mechanisms=[('create', [{
                                'type': 'email',
                                'value': 'bella@example.cn'}])]),
                # 45-year-old woman, bought cream last month
                'clara': person("Clara", 'female', 45, crm_source=d['web']),
                # 30-year-old man, bought cream last month
                'david': person("David", 'male', 30, addresses=[('create', [{
                                'subdivision': d['gd']}])]),
                # 20 today-ish and 40: the bounds
                'eve': person("Eve", 'female', None),
                'corp': dict(name="Corp", crm_kind='enterprise',
                    crm_industry=d['tech'], crm_headcount='51-200',
                    categories=[('add', [d['tag'].id])]),
                }.items():
            p[key], = Party.create([values])
        # not a CRM customer: never in a segment
        d['supplier'], = Party.create([{'name': "Supplier",
                    'crm_gender': 'female'}])
        Party.write([p['corp']], {'crm_lifecycle': 'active'})
        # Eve turns 20 today: in an age range starting at 20
        Party.write([p['eve']], {'crm_birthday': years_before(today, 20)})

        self._sale(p['anna'], d['cream'], 2, 100, today - dt.timedelta(60))
        self._sale(p['anna'], d['hammer'], 1, 10, today - dt.timedelta(400))
        self._sale(p['bella'], d['cream'], 1, 100, today - dt.timedelta(730))
        self._sale(p['clara'], d['cream'], 1, 50, today - dt.timedelta(30))
        self._sale(p['david'], d['cream'], 1, 50, today - dt.timedelta(30))
        self._sale(p['david'], d['hammer'], 3, 10, today - dt.timedelta(5))
        # a draft and a cancelled sale count for nothing
        self._sale(p['eve'], d['cream'], 1, 50, today, state='draft')
        self._sale(p['eve'], d['cream'], 1, 50, today, state='cancelled')
        return d

    def _sale(self, party, product, quantity, price, date, state='done'):
        pool = Pool()
        Sale = pool.get('sale.sale')
        d = self.d
        with set_company(d['company']):
            sale, = Sale.create([{
                        'party': party.id,
                        'company': d['company'].id,
                        'currency': d['company'].currency.id,
                        'lines': [('create', [{
                                        'type': 'line',
                                        'product': product.id,
                                        'unit': d['unit'].id,
                                        'quantity': quantity,
                                        'unit_price': Decimal(price),
                                        'description': product.rec_name,
                                        }])],
                        }])
        table = Sale.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.state, table.sale_date],
                [state, date], where=table.id == sale.id))
        return sale

    def members(self, *criteria, operator='and'):
        "The names of the members of a segment of criteria (dicts)"
        pool = Pool()
        Segment = pool.get('crm.segment')
        Party = pool.get('party.party')

        def create(values):
            values = dict(values)
            children = values.pop('children', None)
            if children is not None:
                values['children'] = [('create', [create(c)
                            for c in children])]
            return values
        segment, = Segment.create([{
                    'name': "Test", 'company': self.d['company'].id,
                    'operator': operator,
                    'criteria': [('create', [create(c) for c in criteria])],
                    }])
        ids = segment.party_ids()
        self.assertEqual(len(ids), len(set(ids)))
        return sorted(p.name for p in Party.browse(ids))

    # Tests -----------------------------------------------------------------
    @with_transaction()
    def test_customer_criteria(self):
        "Criteria on the customer profile"
        d = self._setup()
        m = self.members
        self.assertEqual(m({'type': 'gender', 'gender': 'female'}),
            ["Anna", "Bella", "Clara", "Eve"])
        self.assertEqual(m({'type': 'age', 'age_min': 20, 'age_max': 40}),
            ["Anna", "Bella", "David", "Eve"])
        self.assertEqual(m({'type': 'age', 'age_min': 21, 'age_max': 35}),
            ["Anna", "Bella", "David"])
        self.assertEqual(m({'type': 'age', 'age_min': 40}), ["Clara"])
        self.assertEqual(m({'type': 'age', 'age_max': 19}), [])
        self.assertEqual(m({'type': 'province', 'subdivision': d['zj']}),
            ["Anna"])
        self.assertEqual(m({'type': 'city', 'region': d['hz']}), ["Anna"])
        self.assertEqual(m({'type': 'city', 'region': d['xh']}), ["Anna"])
        self.assertEqual(m({'type': 'industry', 'industry': d['tech']}),
            ["Corp"])
        self.assertEqual(m({'type': 'industry', 'industry': d['food']}), [])
        self.assertEqual(m({'type': 'headcount', 'headcount': '51-200'}),
            ["Corp"])
        self.assertEqual(m({'type': 'level', 'level': d['vip']}), ["Bella"])
        # a tag includes its sub-tags
        self.assertEqual(m({'type': 'category', 'category': d['tag']}),
            ["Anna", "Corp"])
        self.assertEqual(m({'type': 'category', 'category': d['subtag']}),
            ["Anna"])
        self.assertEqual(m({'type': 'lifecycle', 'lifecycle': 'active'}),
            ["Corp"])
        self.assertEqual(m({'type': 'source', 'source': d['web']}),
            ["Clara"])
        self.assertEqual(m({'type': 'owner', 'owner': d['rep']}), ["Bella"])
        self.assertEqual(m({'type': 'team', 'team': d['team']}), ["Bella"])
        # exclusion keeps the customers without a value
        self.assertEqual(
            m({'type': 'gender', 'gender': 'female', 'negate': True}),
            ["Corp", "David"])
        self.assertEqual(
            m({'type': 'province', 'subdivision': d['zj'], 'negate': True}),
            ["Bella", "Clara", "Corp", "David", "Eve"])

    @with_transaction()
    def test_behaviour_criteria(self):
        "Criteria on sales, tickets and campaign responses"
        pool = Pool()
        Ticket = pool.get('crm.ticket')
        TicketType = pool.get('crm.ticket.type')
        Campaign = pool.get('crm.campaign')
        d = self._setup()
        p = d['p']
        m = self.members
        self.assertEqual(m({'type': 'product', 'product': d['cream']}),
            ["Anna", "Bella", "Clara", "David"])
        self.assertEqual(
            m({'type': 'product', 'product': d['cream'], 'days': 365}),
            ["Anna", "Clara", "David"])
        self.assertEqual(m({'type': 'product', 'product': d['hammer'],
                    'date_to': d['today'] - dt.timedelta(100)}), ["Anna"])
        # a category includes its sub-categories
        self.assertEqual(m({'type': 'product_category',
                    'product_category': d['beauty'], 'days': 45}),
            ["Clara", "David"])
        self.assertEqual(m({'type': 'product_category',
                    'product_category': d['tools']}), ["Anna", "David"])
        self.assertEqual(m({'type': 'order_count'}),
            ["Anna", "Bella", "Clara", "David"])
        self.assertEqual(m({'type': 'order_count', 'count_min': 2}),
            ["Anna", "David"])
        # at most one order includes the customers without any
        self.assertEqual(m({'type': 'order_count', 'count_max': 1}),
            ["Bella", "Clara", "Corp", "Eve"])
        self.assertEqual(
            m({'type': 'order_count', 'count_min': 1, 'days': 365}),
            ["Anna", "Clara", "David"])
        # Anna 2 x 100 + 10, Bella 100, Clara 50, David 50 + 30
        self.assertEqual(m({'type': 'total_spent', 'amount_min': 100}),
            ["Anna", "Bella"])
        self.assertEqual(m({'type': 'total_spent', 'amount_min': 60,
                    'amount_max': 150}), ["Bella", "David"])
        self.assertEqual(m({'type': 'total_spent', 'amount_max': 50}),
            ["Clara", "Corp", "Eve"])
        self.assertEqual(m({'type': 'total_spent', 'amount_min': 200,
                    'days': 100}), ["Anna"])
        self.assertEqual(m({'type': 'total_spent', 'amount_min': 201,
                    'days': 100}), [])
        self.assertEqual(m({'type': 'last_purchase', 'days': 45}),
            ["Clara", "David"])
        self.assertEqual(m({'type': 'last_purchase',
                    'date_to': d['today'] - dt.timedelta(50)}),
            ["Anna", "Bella"])
        # no purchase in the last 45 days, customers without any included
        self.assertEqual(
            m({'type': 'last_purchase', 'days': 45, 'negate': True}),
            ["Anna", "Bella", "Corp", "Eve"])

        with set_company(d['company']):
            type_, = TicketType.create([{'name': "Question"}])
            tickets = Ticket.create([{
                        'party': party.id, 'subject': 'x', 'type': type_.id,
                        'channel': 'phone', 'priority': 'normal',
                        } for party in [p['anna'], p['anna'], p['bella']]])
        table = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.state], ['closed'],
                where=table.id == tickets[2].id))
        self.assertEqual(m({'type': 'open_tickets'}), ["Anna"])
        self.assertEqual(m({'type': 'open_tickets', 'count_min': 2}),
            ["Anna"])
        self.assertEqual(m({'type': 'open_tickets', 'count_max': 0}),
            ["Bella", "Clara", "Corp", "David", "Eve"])

        with set_company(d['company']):
            c1, c2 = Campaign.create([{
                        'name': "Spring", 'company': d['company'].id,
                        'waves': [('create', [{'sequence': 1, 'name': "1"}])],
                        }, {
                        'name': "Summer", 'company': d['company'].id,
                        'waves': [('create', [{'sequence': 1, 'name': "1"}])],
                        }])
        now = dt.datetime.now()
        Recipient = pool.get('crm.campaign.recipient')
        Recipient.create([{
                    'campaign': c1.id, 'wave': c1.waves[0].id,
                    'party': p['anna'].id, 'channel': 'email',
                    'address': 'anna@example.cn', 'opened_at': now,
                    'clicked_at': now,
                    }, {
                    'campaign': c1.id, 'wave': c1.waves[0].id,
                    'party': p['bella'].id, 'channel': 'email',
                    'address': 'bella@example.cn',
                    'opened_at': now - dt.timedelta(days=40),
                    }, {
                    'campaign': c2.id, 'wave': c2.waves[0].id,
                    'party': p['clara'].id, 'channel': 'email',
                    'address': 'c@example.cn', 'opened_at': now,
                    'unsubscribed_at': now,
                    }])
        self.assertEqual(m({'type': 'campaign_response',
                    'response': 'opened'}), ["Anna", "Bella", "Clara"])
        self.assertEqual(m({'type': 'campaign_response',
                    'response': 'opened', 'campaign': c1.id}),
            ["Anna", "Bella"])
        self.assertEqual(m({'type': 'campaign_response',
                    'response': 'opened', 'days': 30}), ["Anna", "Clara"])
        self.assertEqual(m({'type': 'campaign_response',
                    'response': 'clicked'}), ["Anna"])
        self.assertEqual(m({'type': 'campaign_response',
                    'response': 'unsubscribed'}), ["Clara"])

    @with_transaction()
    def test_nesting(self):
        "AND/OR groups nested, and the seeds' example"
        d = self._setup()
        m = self.members
        women_20_40 = [
            {'type': 'gender', 'gender': 'female'},
            {'type': 'age', 'age_min': 20, 'age_max': 40},
            ]
        # the seeds' example: women aged 20-40 who bought a product of the
        # category in the last year
        self.assertEqual(m(*women_20_40, {'type': 'product_category',
                    'product_category': d['beauty'], 'days': 365}),
            ["Anna"])
        self.assertEqual(m(*women_20_40), ["Anna", "Bella", "Eve"])
        self.assertEqual(m(*women_20_40, operator='or'),
            ["Anna", "Bella", "Clara", "David", "Eve"])
        # (female AND 40+) OR (male AND bought tools) OR industry
        self.assertEqual(m(
                {'type': 'and', 'children': [
                        {'type': 'gender', 'gender': 'female'},
                        {'type': 'age', 'age_min': 40}]},
                {'type': 'and', 'children': [
                        {'type': 'gender', 'gender': 'male'},
                        {'type': 'product_category',
                            'product_category': d['tools']}]},
                {'type': 'industry', 'industry': d['tech']},
                operator='or'), ["Clara", "Corp", "David"])
        # female AND NOT (bought cream in the last year OR VIP)
        self.assertEqual(m(
                {'type': 'gender', 'gender': 'female'},
                {'type': 'or', 'negate': True, 'children': [
                        {'type': 'product', 'product': d['cream'],
                            'days': 365},
                        {'type': 'level', 'level': d['vip']}]}),
            ["Eve"])
        # three levels
        self.assertEqual(m({'type': 'or', 'children': [
                        {'type': 'and', 'children': [
                                {'type': 'or', 'children': [
                                        {'type': 'owner', 'owner': d['rep']},
                                        {'type': 'source',
                                            'source': d['web']}]},
                                {'type': 'age', 'age_min': 40}]},
                        {'type': 'city', 'region': d['hz']}]}),
            ["Anna", "Clara"])
        # empty groups: all / nobody
        self.assertEqual(len(m({'type': 'and', 'children': []})), 6)
        self.assertEqual(m({'type': 'or', 'children': []}), [])
        self.assertEqual(len(m()), 6)

    @with_transaction()
    def test_validation(self):
        "Criteria without their parameters or with reversed ranges refused"
        pool = Pool()
        Segment = pool.get('crm.segment')
        Criterion = pool.get('crm.segment.criterion')
        d = self._setup()
        segment, = Segment.create([{'name': "S", 'company': d['company']}])
        for values in [
                {'type': 'gender'},
                {'type': 'age'},
                {'type': 'age', 'age_min': 40, 'age_max': 20},
                {'type': 'order_count', 'count_min': -1},
                {'type': 'product_category'},
                {'type': 'campaign_response'},
                {'type': 'gender', 'gender': 'male', 'children': [
                        ('create', [{'type': 'level',
                                    'level': d['vip'].id}])]},
                ]:
            with self.subTest(values=values):
                with self.assertRaises(ValidationError):
                    Criterion.create([dict(values, segment=segment.id)])

    @with_transaction()
    def test_preview_freeze(self):
        "Members searched under the user's rules, frozen into a list"
        pool = Pool()
        Segment = pool.get('crm.segment')
        Party = pool.get('party.party')
        Email = pool.get('marketing.email')
        d = self._setup()
        segment, = Segment.create([{
                    'name': "Women", 'company': d['company'].id,
                    'criteria': [('create', [
                                {'type': 'gender', 'gender': 'female'}])],
                    }])
        self.assertEqual(segment.member_count, 4)
        self.assertEqual(
            sorted(p.name for p in Party.search(
                    [('crm_segments', '=', segment.id)])),
            ["Anna", "Bella", "Clara", "Eve"])
        self.assertEqual(len(Party.search(
                    [('crm_segments', '!=', segment.id),
                        ('crm_kind', '!=', None)])), 2)
        self.assertEqual(d['p']['anna'].crm_segments, (segment,))
        self.assertEqual(d['p']['david'].crm_segments, ())
        action = Segment.preview([segment])
        self.assertIn('crm_segments', action['pyson_domain'])

        Segment.freeze([segment])
        self.assertTrue(segment.email_list)
        emails = Email.search([('list_', '=', segment.email_list.id)],
            order=[('email', 'ASC')])
        self.assertEqual([(e.email, e.crm_party.name, e.party.name)
                for e in emails], [
                ('anna@example.cn', "Anna", "Anna"),
                ('bella@example.cn', "Bella", "Bella")])
        self.assertEqual(
            sorted(segment.party_ids()),
            sorted(p.id for p in Party.search(
                    [('crm_segments', '=', segment.id)])))

