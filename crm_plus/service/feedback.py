"""Customer feedback: what customers said about the products, the delivery,
the service or the prices, typed by agents from a call-back, a visit or a
product review, or taken from the comment of an answered survey.  Its topic
is found from the text (topic.py) unless the agent picks one."""
import datetime

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..text_input import TextInputMixin

SENTIMENTS = [
    ('positive', "Positive"),
    ('neutral', "Neutral"),
    ('negative', "Negative"),
    ]


def sentiment_of(rating):
    "The sentiment of a rating from 1 to 5 (None without rating)"
    if rating is None:
        return None
    if rating <= 2:
        return 'negative'
    if rating == 3:
        return 'neutral'
    return 'positive'


class Feedback(TextInputMixin, ModelSQL, ModelView):
    __name__ = 'crm.feedback'
    __string__ = "Feedback"
    _rec_name = 'text'

    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': Eval('id', -1) >= 0,
            })
    party = fields.Many2One(
        'party.party', "Customer", required=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    contact = fields.Many2One(
        'crm.contact', "Contact",
        domain=[
            ('enterprise', '=', Eval('party', -1)),
            ])
    product = fields.Many2One(
        'product.product', "Product",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    ticket = fields.Many2One(
        'crm.ticket', "Ticket", ondelete='SET NULL',
        domain=[
            ('party', '=', Eval('party', -1)),
            ])
    survey = fields.Many2One(
        'crm.ticket.survey', "Survey", readonly=True, ondelete='SET NULL')
    source = fields.Selection([
            ('callback', "Phone Call-back"),
            ('visit', "Visit"),
            ('review', "Product Review"),
            ('survey', "Survey"),
            ('other', "Other"),
            ], "Source", required=True)
    topic = fields.Many2One(
        'crm.feedback.topic', "Topic", ondelete='RESTRICT',
        help="Found from the text when left empty.")
    sentiment = fields.Selection(
        SENTIMENTS, "Sentiment", required=True, sort=False)
    rating = fields.Integer(
        "Rating",
        domain=['OR',
            ('rating', '=', None),
            [('rating', '>=', 1), ('rating', '<=', 5)],
            ],
        help="From 1 (very bad) to 5 (very good).")
    text = fields.Text("Text", required=True)
    date = fields.Date("Date", required=True)
    user = fields.Many2One(
        'res.user', "Recorded By", readonly=True,
        help="The user who typed the feedback in.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Equality())),
                Index(t, (t.ticket, Index.Equality())),
                Index(t, (t.company, Index.Equality()),
                    (t.date, Index.Range())),
                })
        cls._buttons.update({
                'create_follow_up': {
                    'invisible': Eval('sentiment') != 'negative',
                    'depends': ['sentiment'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_source():
        return 'callback'

    @staticmethod
    def default_sentiment():
        return 'neutral'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @staticmethod
    def default_user():
        return Transaction().user

    @fields.depends('rating', 'sentiment')
    def on_change_rating(self):
        self.sentiment = sentiment_of(self.rating) or self.sentiment

    @fields.depends('text', 'topic')
    def on_change_text(self):
        Topic = Pool().get('crm.feedback.topic')
        topic = Topic.classify(self.text)
        if topic is not None:
            self.topic = Topic(topic)

    @fields.depends('ticket', 'party', 'product', 'contact')
    def on_change_ticket(self):
        if self.ticket:
            self.party = self.ticket.party
            self.product = self.product or self.ticket.product
            self.contact = self.contact or self.ticket.contact

    def get_rec_name(self, name):
        text = ' '.join((self.text or '').split())
        return text if len(text) <= 40 else text[:39] + '…'

    @classmethod
    def preprocess_values(cls, mode, values):
        Topic = Pool().get('crm.feedback.topic')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['user'] = (
                Transaction().user if values.get('source') != 'survey'
                else None)
            if not values.get('sentiment'):
                values['sentiment'] = (
                    sentiment_of(values.get('rating')) or 'neutral')
        if 'text' in values and not values.get('topic'):
            values['topic'] = Topic.classify(values['text'])
        return values

    @classmethod
    def values_from_survey(cls, survey):
        "The values of the feedback of an answered survey's comment"
        ticket = survey.ticket
        sentiment = sentiment_of(survey.csat)
        if survey.nps is not None and survey.nps <= 6:
            sentiment = 'negative'
        return {
            'company': survey.company.id,
            'party': survey.party.id,
            'contact': ticket.contact.id if ticket.contact else None,
            'product': ticket.product.id if ticket.product else None,
            'ticket': ticket.id,
            'survey': survey.id,
            'source': 'survey',
            'sentiment': sentiment or 'neutral',
            'rating': survey.csat,
            'text': survey.comment,
            'date': (survey.answered_date or datetime.datetime.now()).date(),
            }

    @classmethod
    @ModelView.button
    def create_follow_up(cls, feedbacks):
        "Create a follow-up of each negative feedback for the owner"
        FollowUp = Pool().get('crm.follow_up')
        created = []
        for feedback in feedbacks:
            if feedback.sentiment != 'negative' or FollowUp.search([
                        ('origin', '=', str(feedback)),
                        ('state', '=', 'open'),
                        ], limit=1):
                continue
            created.append(FollowUp.for_detractor(
                    feedback.party, feedback, gettext(
                        'crm_plus.msg_feedback_follow_up',
                        customer=feedback.party.rec_name,
                        text=feedback.rec_name)))
        FollowUp.save(created)
