"""The knowledge base: tokens, ranking of suggestions on both backends,
publication rule, reply insertion and counters."""
import unittest

from trytond import backend
from trytond.model.exceptions import AccessError
from trytond.modules.crm_plus import import_routes
from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app
from werkzeug.test import Client

from ..kb import segment


class KnowledgeBaseTestCase(unittest.TestCase):
    "Test the knowledge base"

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')
        # as a server does once its backend is loaded
        import_routes()

    def _setup(self):
        pool = Pool()
        Article = pool.get('crm.kb.article')
        Party = pool.get('party.party')
        Ticket = pool.get('crm.ticket')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company = create_company()
        users = {}
        for login, group in [
                ('agent', 'group_service_agent'),
                ('rep', 'group_sales_rep')]:
            employee = create_employee(company, login)
            users[login], = User.create([{
                        'login': f'kb_{login}',
                        'name': login,
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [employee.id])],
                        'employee': employee.id,
                        'groups': [('add', [
                                    ModelData.get_id('crm_plus', group)])],
                        }])
        articles = {a.title: a for a in Article.create([{
                        'title': "打印机故障排除",
                        'body': "打印机无法开机时，请检查电源线和电源开关，"
                        "然后长按电源键十秒。",
                        'published': True,
                        }, {
                        'title': "无法登录账户怎么办",
                        'body': "忘记密码时，请在登录页点击找回密码。",
                        'published': True,
                        }, {
                        'title': "开机密码重置",
                        'body': "在设置中重置电脑的密码。",
                        'published': True,
                        }, {
                        'title': "打印机无法开机（草稿）",
                        'body': "打印机无法开机 打印机无法开机",
                        'published': False,
                        }, {
                        'title': "Printer paper jam",
                        'body': "Open the front cover and remove the paper.",
                        'language': 'en',
                        'published': True,
                        }])}
        party, = Party.create([{'name': "客户"}])
        with set_company(company):
            ticket, = Ticket.create([{
                        'party': party.id,
                        'subject': "打印机无法开机",
                        'description': "昨天还能用，今天按了没反应。",
                        }])
        return company, users, articles, ticket

    def test_segment(self):
        "The tokens are jieba's words, lower case, without punctuation"
        tokens = segment("打印机无法开机！Printer, 1 个 HP-2130")
        for token in ["打印机", "无法", "开机", "printer", "hp", "2130"]:
            self.assertIn(token, tokens)
        for token in ["！", ",", "1", "个", "hp-2130"]:
            self.assertNotIn(token, tokens)
        self.assertEqual(len(tokens), len(set(tokens)))
        self.assertEqual(segment(""), [])
        self.assertEqual(segment(None), [])

    @with_transaction()
    def test_suggestions_ranking(self):
        "打印机无法开机 ranks the printer article first, drafts never"
        Article = Pool().get('crm.kb.article')
        company, users, articles, ticket = self._setup()
        suggestions = ticket.kb_suggestions
        self.assertTrue(suggestions)
        self.assertEqual(suggestions[0], articles["打印机故障排除"])
        self.assertNotIn(articles["打印机无法开机（草稿）"], suggestions)
        # an article without a common token is not suggested
        self.assertNotIn(articles["Printer paper jam"], suggestions)
        scores = dict(Article.rank_articles("打印机无法开机"))
        self.assertGreater(
            scores[articles["打印机故障排除"].id],
            scores[articles["开机密码重置"].id])
        self.assertGreater(
            scores[articles["开机密码重置"].id], 0)
        # English, case-insensitive
        ranked = Article.rank_articles("PAPER jam in the printer")
        self.assertEqual(ranked[0][0], articles["Printer paper jam"].id)
        self.assertEqual(Article.rank_articles("，。！"), [])

    @with_transaction()
    def test_product_ranks_first(self):
        "Among equal matches the article of the ticket's product wins"
        pool = Pool()
        Article = pool.get('crm.kb.article')
        Template = pool.get('product.template')
        company, users, articles, ticket = self._setup()
        template, = Template.create([{
                    'name': "激光打印机",
                    'default_uom': pool.get('ir.model.data').get_id(
                        'product', 'uom_unit'),
                    'products': [('create', [{}])],
                    }])
        product, = template.products
        first, second = Article.create([{
                    'title': "硒鼓更换", 'body': "更换硒鼓", 'published': True,
                    }, {
                    'title': "硒鼓更换步骤", 'body': "更换硒鼓",
                    'published': True, 'product': product.id,
                    }])
        ranked = Article.rank_articles("硒鼓", product=product.id)
        self.assertEqual(ranked[0][0], second.id)
        ranked = Article.rank_articles("硒鼓")
        self.assertEqual({r[0] for r in ranked}, {first.id, second.id})

    @with_transaction()
    def test_search_text_maintained(self):
        "The stored tokens follow the title and the body"
        Article = Pool().get('crm.kb.article')
        company, users, articles, ticket = self._setup()
        article = articles["开机密码重置"]
        Article.write([article], {'body': "扫描仪驱动安装"})
        article = Article(article.id)
        self.assertIn(" 扫描仪 ", article.search_text)
        self.assertNotIn(" 电脑 ", article.search_text)
        self.assertIn(" 开机 ", article.search_title)
        self.assertEqual(
            Article.rank_articles("扫描仪")[0][0], article.id)
        # the client cannot set them
        Article.write([article], {'search_text': " 打印机 "})
        self.assertNotIn(" 打印机 ", Article(article.id).search_text)

    @unittest.skipUnless(backend.name == 'postgresql', "PostgreSQL only")
    @with_transaction()
    def test_fulltext_index(self):
        "PostgreSQL searches the stored tokens through a GIN index"
        cursor = Transaction().connection.cursor()
        cursor.execute("SELECT indexdef FROM pg_indexes "
            "WHERE tablename = 'crm_kb_article' AND indexdef LIKE '%gin%'")
        # beside the trigram index of the title where pg_trgm is installed
        self.assertTrue(any("to_tsvector" in d for d, in cursor),
            "no full-text GIN index")

    @with_transaction()
    def test_drafts_only_for_editors(self):
        "A sales representative reads published articles, an agent all"
        pool = Pool()
        Article = pool.get('crm.kb.article')
        Ticket = pool.get('crm.ticket')
        company, users, articles, ticket = self._setup()
        draft = articles["打印机无法开机（草稿）"]
        for login, expected in [('rep', False), ('agent', True)]:
            with Transaction().set_user(users[login].id), \
                    Transaction().set_context(
                        _check_access=True, company=company.id):
                found = Article.search([])
                self.assertEqual(draft in found, expected, login)
        with Transaction().set_user(users['rep'].id), \
                Transaction().set_context(
                    _check_access=True, company=company.id):
            with self.assertRaises(AccessError):
                Article.write([Article(articles["打印机故障排除"].id)],
                    {'title': "x"})
        Ticket.write([ticket], {'assignee': users['agent'].employee.id})
        with Transaction().set_user(users['agent'].id), \
                Transaction().set_context(
                    _check_access=True, company=company.id):
            self.assertEqual(
                Ticket(ticket.id).kb_suggestions[0].id,
                articles["打印机故障排除"].id)

    @with_transaction()
    def test_insert_into_reply(self):
        "Choosing an article appends its title and link, or its text"
        pool = Pool()
        Message = pool.get('crm.ticket.message')
        company, users, articles, ticket = self._setup()
        article = articles["打印机故障排除"]
        message = Message(ticket=ticket, kind='reply', body="您好，",
            kb_article=article, kb_insert='link')
        message.on_change_kb_article()
        database = Transaction().database.name
        self.assertTrue(message.body.startswith("您好，\n打印机故障排除\n"))
        self.assertTrue(message.body.endswith(
                f'/{database}/crm/service/kb/{article.id}'))
        message = Message(ticket=ticket, kind='reply', body=None,
            kb_article=article, kb_insert='text')
        message.on_change_kb_article()
        self.assertEqual(message.body, f"打印机故障排除\n{article.body}")
        message.save()
        self.assertEqual(message.kb_article, article)

    @with_transaction()
    def test_counters(self):
        "This helped counts, opening from a ticket counts a view, reading not"
        pool = Pool()
        Article = pool.get('crm.kb.article')
        ModelData = pool.get('ir.model.data')
        company, users, articles, ticket = self._setup()
        article = articles["打印机故障排除"]
        self.assertEqual(
            (article.views, article.helped, article.not_helped), (0, 0, 0))
        with Transaction().set_user(users['rep'].id), \
                Transaction().set_context(
                    _check_access=True, company=company.id):
            Article.read([article.id], ['title', 'views'])
            Article.mark_helped([Article(article.id)])
            Article.mark_helped([Article(article.id)])
            Article.mark_not_helped([Article(article.id)])
            action = Article.open_article([Article(article.id)])
            self.assertEqual(
                action, ModelData.get_id('crm_plus', 'act_kb_article_open'))
            with self.assertRaises(AccessError):
                # the draft is not readable by the representative
                Article.mark_helped(
                    [Article(articles["打印机无法开机（草稿）"].id)])
        article = Article(article.id)
        self.assertEqual(
            (article.views, article.helped, article.not_helped), (1, 2, 1))
        with self.assertRaises(AccessError):
            Article.mark_helped([articles["打印机无法开机（草稿）"]])
        # the counters are not the client's
        Article.write([article], {'helped': 100})
        self.assertEqual(Article(article.id).helped, 2)

    @with_transaction()
    def test_published_date(self):
        "The date of the first publication is kept"
        Article = Pool().get('crm.kb.article')
        company, users, articles, ticket = self._setup()
        draft = articles["打印机无法开机（草稿）"]
        self.assertIsNone(draft.published_date)
        Article.write([draft], {'published': True})
        first = Article(draft.id).published_date
        self.assertTrue(first)
        Article.write([draft], {'published': False})
        Article.write([draft], {'published': True})
        self.assertEqual(Article(draft.id).published_date, first)
        self.assertTrue(Article(draft.id).url)

    def test_public_page(self):
        "The public page shows a published article escaped, nothing else"
        with Transaction().start(DB_NAME, 0) as transaction:
            Article = Pool().get('crm.kb.article')
            published, draft = Article.create([{
                        'title': "<script>alert(1)</script> 复印纸规格",
                        'body': "A4 & A3 <b>纸</b>\n\n第二段",
                        'published': True,
                        }, {
                        'title': "复印纸草稿", 'body': "草稿",
                        }])
            transaction.commit()
        client = Client(app)
        response = client.get(f'/{DB_NAME}/crm/service/kb/{published.id}')
        self.assertEqual(response.status_code, 200)
        text = response.get_data(as_text=True)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; 复印纸规格", text)
        self.assertIn("<p>A4 &amp; A3 &lt;b&gt;纸&lt;/b&gt;</p>", text)
        self.assertIn("<p>第二段</p>", text)
        self.assertNotIn("<script>", text)
        self.assertIn("default-src 'none'",
            response.headers['Content-Security-Policy'])
        for path in [
                f'/{DB_NAME}/crm/service/kb/{draft.id}',
                f'/{DB_NAME}/crm/service/kb/{draft.id + 1000}',
                ]:
            with self.subTest(path=path):
                self.assertEqual(client.get(path).status_code, 404)
        with Transaction().start(DB_NAME, 0, readonly=True):
            Article = Pool().get('crm.kb.article')
            # reading the page is no view
            self.assertEqual(Article(published.id).views, 0)
