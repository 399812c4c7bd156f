"""Topics of the customers' feedback and the analysis of Chinese free text.

A text is segmented with jieba, whose dictionary gets every topic keyword
so that a keyword is never split; each word scores one point for every
topic with a keyword it contains ("太贵" counts for 贵).  The best score
wins, a tie goes to the first topic by sequence, no match to the fallback
topic (其他).  jieba loads its dictionary (about one second) the first time
a text is analysed in the process, then keeps it.
"""
import logging
import threading

from sql import Cast
from sql.aggregate import Avg, Count, Min, Sum
from sql.conditionals import Case
from sql.functions import DateTrunc

from trytond.cache import Cache
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import StateAction, Wizard

from ..security import ReadOnlyQueryMixin
from ..text_input import TextInputMixin

_lock = threading.Lock()
_tokenizer = None
_words = set()


def tokenizer(words=()):
    "The jieba tokenizer of the process, knowing words"
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba
            jieba.setLogLevel(logging.WARNING)
            instance = jieba.Tokenizer()
            instance.initialize()
            _tokenizer = instance
        for word in set(words) - _words:
            _tokenizer.add_word(word)
            _words.add(word)
        return _tokenizer


def segment(text, words=()):
    "The words of text (jieba's precise mode), lower case"
    return [w for w in (
            t.strip().lower() for t in tokenizer(words).lcut(text or ''))
        if w]


def parse_keywords(text):
    "The keywords of a topic: one per line"
    return [k for k in (
            line.strip().lower() for line in (text or '').splitlines()) if k]


def best_topic(words, topics, fallback=None):
    """The id of the topic whose keywords the words match most: topics is
    a list of (id, keywords) by sequence"""
    best, best_score = fallback, 0
    for topic_id, keywords in topics:
        score = sum(1 for w in words if any(k in w for k in keywords))
        if score > best_score:
            best, best_score = topic_id, score
    return best


class Topic(
        TextInputMixin, DeactivableMixin, sequence_ordered(), ModelSQL,
        ModelView):
    __name__ = 'crm.feedback.topic'
    __string__ = "Feedback Topic"
    name = fields.Char("Name", required=True, translate=True)
    keywords = fields.Text(
        "Keywords",
        help="One keyword per line; a feedback whose words contain "
        "keywords of the topic is filed under it.")
    fallback = fields.Boolean(
        "Fallback", help="The topic of feedback no keyword matches.")

    # (topics as (id, keywords) by sequence, fallback id) of the active topics
    _analysis_cache = Cache('crm.feedback.topic.analysis', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(1, ('name', 'ASC'))

    @staticmethod
    def default_fallback():
        return False

    @classmethod
    def on_modification(cls, mode, topics, field_names=None):
        super().on_modification(mode, topics, field_names=field_names)
        cls._analysis_cache.clear()

    @classmethod
    def _analysis(cls):
        analysis = cls._analysis_cache.get(None)
        if analysis is None:
            with without_check_access():
                topics = cls.search([], order=[
                        ('sequence', 'ASC NULLS LAST'), ('id', 'ASC')])
            fallback = next((t.id for t in topics if t.fallback), None)
            analysis = (
                [(t.id, parse_keywords(t.keywords)) for t in topics],
                fallback)
            cls._analysis_cache.set(None, analysis)
        return analysis

    @classmethod
    def classify(cls, text):
        "The topic (id) of a text, the fallback topic when none matches"
        topics, fallback = cls._analysis()
        if not (text or '').strip():
            return fallback
        words = segment(text, [k for _, ks in topics for k in ks])
        return best_topic(words, topics, fallback)


class TopicReport(ReadOnlyQueryMixin, ModelSQL, ModelView):
    "Feedback per topic and month"
    __name__ = 'crm.feedback.topic.report'
    __string__ = "Feedback Topics"
    topic = fields.Many2One('crm.feedback.topic', "Topic")
    month = fields.Date("Month")
    company = fields.Many2One('company.company', "Company")
    number = fields.Integer("Feedback")
    negative = fields.Integer("Negative")
    rating = fields.Float("Average Rating", digits=(1, 2))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('number', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Feedback = pool.get('crm.feedback')
        context = Transaction().context
        feedback = Feedback.__table__()
        # the feedback the user may read, by its record rules
        domain = []
        if context.get('from_date'):
            domain.append(('date', '>=', context['from_date']))
        if context.get('to_date'):
            domain.append(('date', '<=', context['to_date']))
        if context.get('product'):
            domain.append(('product', '=', context['product']))
        readable = Feedback.search(domain, query=True, order=[])
        # the month in a subquery: grouped by the expression, its 'month'
        # parameter is another one than the selected one's for PostgreSQL
        rows = feedback.select(
            feedback.id, feedback.topic, feedback.company,
            feedback.sentiment, feedback.rating,
            cls.month.sql_cast(DateTrunc('month', feedback.date)).as_(
                'month'),
            where=(feedback.company == context.get('company'))
            & feedback.id.in_(readable))
        return rows.select(
            Min(rows.id).as_('id'),
            rows.topic.as_('topic'),
            rows.month.as_('month'),
            rows.company.as_('company'),
            Count(rows.id).as_('number'),
            Sum(Case((rows.sentiment == 'negative', 1), else_=0)).as_(
                'negative'),
            # numeric on PostgreSQL: the float of the field
            Cast(Avg(rows.rating), cls.rating.sql_type().base).as_('rating'),
            group_by=[rows.topic, rows.month, rows.company])

    def get_rec_name(self, name):
        topic = self.topic.rec_name if self.topic else ''
        return f'{topic} {self.month:%Y-%m}' if self.month else topic


class TopicReportContext(ModelView):
    __name__ = 'crm.feedback.topic.report.context'
    __string__ = "Feedback Topics Context"
    from_date = fields.Date(
        "From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date(
        "To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])
    product = fields.Many2One('product.product', "Product")

    @classmethod
    def default_from_date(cls):
        return Transaction().context.get('from_date')

    @classmethod
    def default_to_date(cls):
        return Transaction().context.get('to_date')

    @classmethod
    def default_product(cls):
        return Transaction().context.get('product')


class TopicReportOpen(Wizard):
    "Open the feedback of report rows"
    __name__ = 'crm.feedback.topic.report.open'
    start_state = 'open'
    open = StateAction('crm_plus.act_feedback')

    def do_open(self, action):
        context = Transaction().context
        rows = []
        for record in self.records:
            row = [('topic', '=', record.topic.id if record.topic else None)]
            if record.month:
                month = record.month
                following = (month.replace(year=month.year + 1, month=1)
                    if month.month == 12
                    else month.replace(month=month.month + 1))
                row += [('date', '>=', month), ('date', '<', following)]
            rows.append(row)
        domain = [['OR', *rows]] if rows else []
        if context.get('from_date'):
            domain.append(('date', '>=', context['from_date']))
        if context.get('to_date'):
            domain.append(('date', '<=', context['to_date']))
        if context.get('product'):
            domain.append(('product', '=', context['product']))
        action['pyson_domain'] = PYSONEncoder().encode(domain)
        names = ', '.join(r.rec_name for r in self.records[:3])
        if names:
            action['name'] += f' ({names})'
        return action, {}
