"""Topic analysis of Chinese feedback with jieba and the topics report."""
import datetime
import time

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus.service import topic
from trytond.modules.crm_plus.tests.tools import CrmPlusDatabase
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction

# sentence: the xml id of the topic it is about
SENTENCES = {
    "配送太慢": 'feedback_topic_delivery',
    "物流延迟": 'feedback_topic_delivery',
    "快递三天才到，包裹还压坏了一个角": 'feedback_topic_delivery',
    "客服态度很好": 'feedback_topic_service',
    "售后响应及时，工程师很专业": 'feedback_topic_service',
    "价格太贵了": 'feedback_topic_price',
    "希望多一些优惠和折扣": 'feedback_topic_price',
    "产品质量不错，功能齐全": 'feedback_topic_product',
    "用了两周机器就坏了": 'feedback_topic_product',
    "今天天气不错": 'feedback_topic_other',
    "": 'feedback_topic_other',
    }


class TopicTestCase(CrmPlusDatabase, TestCase):
    "Test feedback topics"

    def topic(self, xml_id):
        ModelData = Pool().get('ir.model.data')
        return ModelData.get_id('crm_plus', xml_id)

    @with_transaction()
    def test_sentences(self):
        "Chinese sentences are filed under their topic"
        Topic = Pool().get('crm.feedback.topic')
        for sentence, xml_id in SENTENCES.items():
            with self.subTest(sentence=sentence):
                self.assertEqual(
                    Topic.classify(sentence), self.topic(xml_id))

    @with_transaction()
    def test_keywords_not_split(self):
        "A topic keyword is one word for jieba"
        Topic = Pool().get('crm.feedback.topic')
        Topic.create([{'name': "Installation", 'keywords': "上门安装"}])
        words = topic.segment("师傅上门安装很准时", ["上门安装"])
        self.assertIn("上门安装", words)

    @with_transaction()
    def test_tie_first_by_sequence(self):
        "A tie goes to the first topic by sequence"
        Topic = Pool().get('crm.feedback.topic')
        # one word of delivery (20) and one of price (40)
        self.assertEqual(
            Topic.classify("物流费用"), self.topic('feedback_topic_delivery'))
        price = Topic(self.topic('feedback_topic_price'))
        price.sequence = 5
        price.save()
        self.assertEqual(
            Topic.classify("物流费用"), self.topic('feedback_topic_price'))

    @with_transaction()
    def test_configured_keyword(self):
        "A keyword added to a topic counts at once"
        Topic = Pool().get('crm.feedback.topic')
        other = self.topic('feedback_topic_other')
        self.assertEqual(Topic.classify("发票开错了"), other)
        topic_, = Topic.create([{'name': "Invoice", 'keywords': "发票\n开票"}])
        self.assertEqual(Topic.classify("发票开错了"), topic_.id)

    def test_tokenizer_cached(self):
        "jieba is initialised once per process"
        topic.tokenizer()
        start = time.monotonic()
        first = topic.tokenizer()
        self.assertIs(topic.tokenizer(), first)
        self.assertLess(time.monotonic() - start, 0.1)

    @with_transaction()
    def test_feedback_topic_and_report(self):
        "Feedback gets its topic; the report counts per topic and month"
        pool = Pool()
        Party = pool.get('party.party')
        Feedback = pool.get('crm.feedback')
        Report = pool.get('crm.feedback.topic.report')
        company = create_company()
        with set_company(company):
            party, = Party.create([{'name': "上海明远科技有限公司"}])
            day = datetime.date(2026, 11, 3)
            feedbacks = Feedback.create([{
                        'party': party.id, 'text': text, 'rating': rating,
                        'date': day + datetime.timedelta(days=i * 10),
                        } for i, (text, rating) in enumerate([
                            ("配送太慢", 2), ("物流延迟", 1),
                            ("客服态度很好", 5), ("物流很快", 4)])])
            delivery = self.topic('feedback_topic_delivery')
            self.assertEqual(
                [f.topic.id for f in feedbacks],
                [delivery, delivery, self.topic('feedback_topic_service'),
                    delivery])
            self.assertEqual(
                [f.sentiment for f in feedbacks],
                ['negative', 'negative', 'positive', 'positive'])
            rows = Report.search([('topic', '=', delivery)],
                order=[('month', 'ASC')])
            self.assertEqual(
                [(r.month, r.number, r.negative, r.rating) for r in rows],
                [(datetime.date(2026, 11, 1), 2, 2, 1.5),
                    (datetime.date(2026, 12, 1), 1, 0, 4.0)])
            with Transaction().set_context(
                    from_date=datetime.date(2026, 12, 1)):
                rows = Report.search([('topic', '=', delivery)])
                self.assertEqual([r.number for r in rows], [1])

    @with_transaction()
    def test_report_open(self):
        "The report rows open their feedback"
        pool = Pool()
        Party = pool.get('party.party')
        Feedback = pool.get('crm.feedback')
        Report = pool.get('crm.feedback.topic.report')
        Open = pool.get('crm.feedback.topic.report.open', type='wizard')
        company = create_company()
        with set_company(company):
            party, = Party.create([{'name': "北京华信贸易有限公司"}])
            Feedback.create([{
                        'party': party.id, 'text': text,
                        'date': datetime.date(2026, 11, day),
                        } for text, day in [
                        ("配送太慢", 3), ("价格太贵了", 4), ("物流延迟", 5)]])
            row, = Report.search([
                    ('topic', '=', self.topic('feedback_topic_delivery'))])
            session_id, _, _ = Open.create()
            wizard = Open(session_id)
            with Transaction().set_context(
                    active_model=Report.__name__, active_id=row.id,
                    active_ids=[row.id]):
                wizard = Open(session_id)
                action, _ = wizard.do_open(
                    {'name': "Feedback", 'pyson_domain': '[]'})
            domain = PYSONDecoder().decode(action['pyson_domain'])
            self.assertEqual(
                sorted(f.text for f in Feedback.search(domain)),
                ["物流延迟", "配送太慢"])

