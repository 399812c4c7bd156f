"""Consent to be contacted, per person and channel (PIPL / GDPR).

Consents are a log: each record is a grant or a withdrawal with its date,
source and the text agreed to; the newest record of a person and channel
decides.  A withdrawal is a new record, so nothing is ever overwritten."""
import datetime

from sql.aggregate import Max

from trytond import backend
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.i18n import gettext
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from ..text_input import TextInputMixin

#: a consent once saved is never changed
_saved = {'readonly': Eval('id', -1) >= 0}

CHANNELS = [
    ('email', "E-mail"),
    ('sms', "SMS"),
    ('phone', "Phone"),
    ]


class Consent(TextInputMixin, ModelSQL, ModelView):
    __name__ = 'crm.consent'
    __string__ = "Consent"

    party = fields.Many2One(
        'party.party', "Person", required=True, ondelete='CASCADE',
        states=_saved)
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, states=_saved)
    channel_string = channel.translated('channel')
    status = fields.Selection([
            ('granted', "Granted"),
            ('withdrawn', "Withdrawn"),
            ], "Status", required=True, states=_saved)
    date = fields.DateTime("Date", required=True, states=_saved)
    source = fields.Char(
        "Source", required=True, states=_saved,
        help="Where the person gave or withdrew consent: a web form, "
        "an unsubscribe link, an SMS reply, a call.")
    text = fields.Text(
        "Text Agreed To", states=_saved,
        help="The wording the person agreed to, as it was shown.")
    user = fields.Many2One('res.user', "Recorded By", readonly=True)

    def get_rec_name(self, name):
        return '%s: %s' % (self.party.rec_name, self.channel_string)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.party, Index.Range()), (t.channel, Index.Equality()),
                (t.date, Index.Range())))
        cls._order.insert(0, ('date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))

    @classmethod
    def default_date(cls):
        return datetime.datetime.now()

    @classmethod
    def default_status(cls):
        return 'granted'

    @classmethod
    def default_user(cls):
        return Transaction().user

    @classmethod
    def write(cls, *args):
        raise AccessError(gettext('crm_plus.msg_consent_immutable'))

    @classmethod
    def granted_query(cls, channel, parties=None):
        """A query of the ids of the parties (among the ids of parties when
        given) whose newest consent on the channel (the last recorded) is a
        grant"""
        consent = cls.__table__()
        latest = cls.__table__()
        where = latest.channel == channel
        if parties is not None:
            where &= latest.party.in_(parties)
        newest = latest.select(
            latest.party, Max(latest.id).as_('id'),
            where=where, group_by=[latest.party])
        return consent.join(newest, condition=consent.id == newest.id
            ).select(consent.party,
                where=consent.status == 'granted')

    @classmethod
    def granted(cls, parties, channel):
        "The subset of parties whose newest consent on channel is a grant"
        cursor = Transaction().connection.cursor()
        granted = set()
        for ids in grouped_slice(
                sorted({p.id for p in parties}), backend.MAX_QUERY_PARAMS):
            cursor.execute(*cls.granted_query(channel, list(ids)))
            granted.update(r for r, in cursor)
        return granted

    @classmethod
    def record(cls, parties, channel, status, source, text=None):
        "Log a grant or a withdrawal for each party"
        return cls.create([{
                    'party': p.id,
                    'channel': channel,
                    'status': status,
                    'source': source,
                    'text': text,
                    } for p in parties])


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    crm_consents = fields.One2Many('crm.consent', 'party', "Consents")
