"""The knowledge base: articles agents suggest, link and count.

The relevance of an article to a ticket is computed over search tokens:
jieba's words of the texts, lower case, letters and digits only, longer than
one character (``segment``).  Each article stores the tokens of its title
and of its title and body (``search_title``, ``search_text``: the tokens
separated by spaces, with a space before and after), maintained on write.
``rank_articles`` scores a published article by the distinct tokens of the
query it contains: 3 for a token of its title, 1 for one of its body only,
plus 1 when its product is the ticket's.  The same query serves both
backends, only the test "the stored text has the token" differs: full-text
search on PostgreSQL (``to_tsvector('simple', ...)``, with a GIN index on
``search_text``), the spaced token in the text (LIKE) on SQLite.

A published article has a public page (kb_web.py), the link an agent
inserts into a reply.
"""
import logging
import operator
import re
from functools import reduce

import jieba
from sql import Literal, Null
from sql.conditionals import Case
from sql.functions import Function
from sql.operators import BinaryOperator, Like

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, sequence_ordered,
    tree)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction
from trytond.url import http_host

from ..text_input import TextInputMixin

jieba.setLogLevel(logging.WARNING)

#: the characters of a token
_WORD = re.compile(r'[^\W_]+')
#: at most as many distinct tokens of a ticket are searched
MAX_QUERY_TOKENS = 48
#: number of suggested articles on a ticket
SUGGESTIONS = 5
TITLE_WEIGHT = 3
BODY_WEIGHT = 1
PRODUCT_WEIGHT = 1


def segment(text):
    "The distinct search tokens of text, in order of appearance"
    tokens = {}
    for word in jieba.cut_for_search(text or ''):
        for token in _WORD.findall(word.lower()):
            if len(token) > 1:
                tokens.setdefault(token, None)
    return list(tokens)


def _stored(tokens):
    return ' %s ' % ' '.join(tokens) if tokens else ''


class _ToTsvector(Function):
    __slots__ = ()
    _function = 'TO_TSVECTOR'


class _ToTsquery(Function):
    __slots__ = ()
    _function = 'TO_TSQUERY'


class _TsMatch(BinaryOperator):
    __slots__ = ()
    _operator = '@@'


def _has_token(column, tokens):
    "The SQL condition: the stored tokens of column include one of tokens"
    if backend.name == 'postgresql':
        return _TsMatch(
            _ToTsvector('simple', column),
            _ToTsquery('simple', ' | '.join(tokens)))
    return reduce(lambda a, b: a | b,
        (Like(column, f'% {t} %') for t in tokens))


class Category(
        TextInputMixin, DeactivableMixin, tree(separator=' / '),
        sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'crm.kb.category'
    __string__ = "Article Category"
    name = fields.Char("Name", required=True, translate=True)
    parent = fields.Many2One(
        'crm.kb.category', "Parent", ondelete='RESTRICT')
    childs = fields.One2Many('crm.kb.category', 'parent', "Children")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.append(('name', 'ASC'))


class Article(TextInputMixin, ModelSQL, ModelView):
    __name__ = 'crm.kb.article'
    __string__ = "Knowledge Base Article"
    _rec_name = 'title'

    title = fields.Char("Title", required=True)
    body = fields.Text("Body", required=True)
    category = fields.Many2One(
        'crm.kb.category', "Category", ondelete='RESTRICT')
    product = fields.Many2One(
        'product.product', "Product", ondelete='SET NULL',
        help="The product the article is about: it ranks first among "
        "the suggestions on the tickets of the product.")
    language = fields.Selection([
            ('zh_CN', "Chinese"),
            ('en', "English"),
            ], "Language", required=True)
    published = fields.Boolean(
        "Published",
        help="Published articles are suggested on tickets, readable by "
        "every CRM user and on their public page.")
    published_date = fields.DateTime("Published On", readonly=True)
    author = fields.Many2One('res.user', "Author", readonly=True)
    views = fields.Integer(
        "Views", readonly=True,
        help="Times the article was opened from a ticket.")
    helped = fields.Integer("Helped", readonly=True)
    not_helped = fields.Integer("Did Not Help", readonly=True)
    search_title = fields.Text("Search Title", readonly=True)
    search_text = fields.Text("Search Text", readonly=True)
    url = fields.Function(fields.Char("Public Page"), 'get_url')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('write_date', 'DESC NULLS LAST'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.title, Index.Similarity())),
                Index(t, (t.category, Index.Equality())),
                Index(t, (t.product, Index.Equality()),
                    where=t.published == Literal(True)),
                })
        cls._buttons.update({
                'mark_helped': {
                    'invisible': ~Eval('published', False),
                    'depends': ['published'],
                    },
                'mark_not_helped': {
                    'invisible': ~Eval('published', False),
                    'depends': ['published'],
                    },
                'open_article': {},
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        if backend.name == 'postgresql':
            # the full-text index of rank_articles; ModelSQL's indexes have
            # no tsvector kind
            Transaction().connection.cursor().execute(
                'CREATE INDEX IF NOT EXISTS "crm_kb_article_search_text_fts" '
                'ON "crm_kb_article" USING GIN '
                "(to_tsvector('simple', \"search_text\"))")

    @staticmethod
    def default_language():
        language = Transaction().language or ''
        return 'zh_CN' if language.startswith('zh') else 'en'

    @staticmethod
    def default_published():
        return False

    @staticmethod
    def default_author():
        return Transaction().user

    @staticmethod
    def default_views():
        return 0

    @staticmethod
    def default_helped():
        return 0

    @staticmethod
    def default_not_helped():
        return 0

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # the counters and search texts are the server's
        for name in ['views', 'helped', 'not_helped', 'search_title',
                'search_text', 'published_date']:
            values.pop(name, None)
        if mode == 'create':
            values['author'] = Transaction().user
            for name in ['views', 'helped', 'not_helped']:
                values[name] = 0
        return values

    @classmethod
    def copy(cls, articles, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('published', False)
        return super().copy(articles, default=default)

    @classmethod
    def on_modification(cls, mode, articles, field_names=None):
        super().on_modification(mode, articles, field_names=field_names)
        if mode == 'create' or (mode == 'write'
                and {'title', 'body'} & set(field_names or [])):
            cls._update_search(articles)
        if mode == 'create' or (mode == 'write'
                and 'published' in (field_names or [])):
            # the date of the first publication
            table = cls.__table__()
            Transaction().connection.cursor().execute(*table.update(
                    [table.published_date],
                    [Pool().get('crm.ticket')._now()],
                    where=table.id.in_([a.id for a in articles])
                    & (table.published == Literal(True))
                    & (table.published_date == Null)))
            cls._updated([a.id for a in articles])

    @classmethod
    def _updated(cls, ids):
        "Forget the cached values of the records updated by SQL (ids)"
        transaction = Transaction()
        transaction.counter += 1
        for cache in transaction.cache.values():
            if cls.__name__ in cache:
                for id_ in ids:
                    cache[cls.__name__].pop(id_, None)

    @classmethod
    def _update_search(cls, articles):
        "Store the search tokens of the articles"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for article in articles:
            title = segment(article.title)
            text = segment(f'{article.title}\n{article.body}')
            cursor.execute(*table.update(
                    [table.search_title, table.search_text],
                    [_stored(title), _stored(text)],
                    where=table.id == article.id))
        cls._updated([a.id for a in articles])

    def get_url(self, name):
        if self.published and self.id is not None and self.id >= 0:
            database = Transaction().database.name
            return f'{http_host()}/{database}/crm/service/kb/{self.id}'

    @classmethod
    def rank_articles(cls, text, product=None, limit=SUGGESTIONS):
        """The ids of the published articles the most relevant to text with
        their score, best first (see the module's docstring)"""
        tokens = segment(text)[:MAX_QUERY_TOKENS]
        if not tokens:
            return []
        article = cls.__table__()
        score = reduce(operator.add, (
            Case((_has_token(article.search_title, [t]), TITLE_WEIGHT),
                (_has_token(article.search_text, [t]), BODY_WEIGHT),
                else_=0)
            for t in tokens))
        if product is not None:
            score += Case(
                (article.product == product, PRODUCT_WEIGHT), else_=0)
        query = article.select(
            article.id, score.as_('score'),
            where=(article.published == Literal(True))
            & _has_token(article.search_text, tokens))
        cursor = Transaction().connection.cursor()
        cursor.execute(*query.select(
                query.id, query.score,
                order_by=[query.score.desc, query.id.desc],
                limit=limit))
        return [(id_, score) for id_, score in cursor]

    @classmethod
    def _count(cls, articles, name):
        "Add one to the counter name of the articles, as one statement"
        table = cls.__table__()
        column = getattr(table, name)
        cursor = Transaction().connection.cursor()
        ids = [a.id for a in articles]
        if ids:
            cursor.execute(*table.update(
                    [column], [column + 1], where=table.id.in_(ids)))
            cls._updated(ids)

    @classmethod
    def _check_published(cls, articles):
        for article in articles:
            if not article.published:
                raise AccessError(gettext(
                        'crm_plus.msg_kb_article_not_published',
                        article=article.rec_name))

    @classmethod
    @ModelView.button
    def mark_helped(cls, articles):
        "The reader found the answer in the articles"
        cls._check_published(articles)
        cls._count(articles, 'helped')

    @classmethod
    @ModelView.button
    def mark_not_helped(cls, articles):
        cls._check_published(articles)
        cls._count(articles, 'not_helped')

    @classmethod
    @ModelView.button
    def open_article(cls, articles):
        "Open the articles in a form and count the views"
        ModelData = Pool().get('ir.model.data')
        cls._count(articles, 'views')
        return ModelData.get_id('crm_plus', 'act_kb_article_open')


class Ticket(metaclass=PoolMeta):
    __name__ = 'crm.ticket'
    kb_suggestions = fields.Function(fields.Many2Many(
            'crm.kb.article', None, None, "Suggested Articles",
            help="Published articles ranked by relevance to the subject "
            "and the description."), 'get_kb_suggestions')

    def get_kb_suggestions(self, name):
        Article = Pool().get('crm.kb.article')
        ranked = Article.rank_articles(
            f'{self.subject or ""}\n{self.description or ""}',
            product=self.product.id if self.product else None)
        ids = [i for i, _ in ranked]
        # only the articles the user may read, in the order of relevance
        with Transaction().set_context(_check_access=True):
            readable = {a.id for a in Article.search([('id', 'in', ids)])}
        return [i for i in ids if i in readable]


class Message(metaclass=PoolMeta):
    __name__ = 'crm.ticket.message'
    kb_article = fields.Many2One(
        'crm.kb.article', "Article", ondelete='SET NULL',
        domain=[('published', '=', True)],
        states={
            'readonly': Eval('id', -1) >= 0,
            'invisible': Eval('kind') == 'incoming',
            },
        help="A knowledge base article to insert into the message.")
    kb_insert = fields.Selection([
            ('link', "Title and Link"),
            ('text', "Full Text"),
            ], "Insert", sort=False,
        states={
            'readonly': Eval('id', -1) >= 0,
            'invisible': ((Eval('kind') == 'incoming')
                | ~Bool(Eval('kb_article'))),
            })

    @staticmethod
    def default_kb_insert():
        return 'link'

    @fields.depends('kb_article', 'kb_insert', 'body')
    def on_change_kb_article(self):
        article = self.kb_article
        if article:
            if self.kb_insert == 'text':
                text = f'{article.title}\n{article.body}'
            else:
                text = f'{article.title}\n{article.url}'
            self.body = f'{self.body}\n{text}' if self.body else text

