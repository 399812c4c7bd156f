"""Interactions with customers: calls, emails, meetings, visits, messages
and notes, with the follow-up they call for."""
import datetime

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from ..text_input import TextInputMixin


class Interaction(TextInputMixin, ModelSQL, ModelView):
    __name__ = 'crm.interaction'
    __string__ = "Interaction"
    _rec_name = 'subject'

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
    type = fields.Selection([
            ('call', "Call"),
            ('email', "Email"),
            ('meeting', "Meeting"),
            ('visit', "Visit"),
            ('message', "Message"),
            ('note', "Note"),
            ], "Type", required=True, sort=False)
    date = fields.DateTime("Date", required=True)
    direction = fields.Selection([
            ('inbound', "Inbound"),
            ('outbound', "Outbound"),
            ('internal', "Internal"),
            ], "Direction", required=True, sort=False)
    duration = fields.TimeDelta("Duration")
    subject = fields.Char("Subject", required=True)
    summary = fields.Text("Summary")
    outcome = fields.Selection([
            (None, ""),
            ('positive', "Positive"),
            ('neutral', "Neutral"),
            ('negative', "Negative"),
            ('no_answer', "No Answer"),
            ], "Outcome", sort=False)
    users = fields.Many2Many(
        'crm.interaction-res.user', 'interaction', 'user', "Participants")
    contacts = fields.Many2Many(
        'crm.interaction-party.party', 'interaction', 'party', "Contacts",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The persons of the customer who took part.")
    origin = fields.Reference(
        "Origin", selection='get_origin',
        help="The document the interaction is about.")
    user = fields.Many2One(
        'res.user', "Logged By", required=True, readonly=True)
    next_step = fields.Char("Next Step")
    follow_up_date = fields.Date(
        "Follow-up Date",
        help="Set a date to create a follow-up for the responsible user.")
    follow_up_user = fields.Many2One(
        'res.user', "Follow-up Responsible",
        states={
            'required': Bool(Eval('follow_up_date')),
            })
    follow_ups = fields.One2Many(
        'crm.follow_up', 'interaction', "Follow-ups", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(
                    t,
                    (t.party, Index.Equality()),
                    (t.date, Index.Range(order='DESC'))),
                Index(t, (t.origin, Index.Equality())),
                # the ids of the customer timeline rows
                Index(t, (t.id * 10 + 1, Index.Equality())),
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_date():
        return datetime.datetime.now().replace(microsecond=0)

    @staticmethod
    def default_type():
        return 'call'

    @staticmethod
    def default_direction():
        return 'outbound'

    @staticmethod
    def default_user():
        return Transaction().user

    @staticmethod
    def default_follow_up_user():
        return Transaction().user

    @classmethod
    def default_origin(cls):
        origin = Transaction().context.get('crm_origin')
        if (isinstance(origin, (list, tuple)) and len(origin) == 2
                and origin[0] in cls._get_origin()
                and origin[1] is not None and int(origin[1]) >= 0):
            return '%s,%s' % (origin[0], int(origin[1]))

    @classmethod
    def default_party(cls):
        origin = cls.default_origin()
        if origin:
            party = cls._party_from_origin(cls(origin=origin).origin)
            if party:
                return party.id

    @classmethod
    def _get_origin(cls):
        "Return the model names allowed as origin"
        return ['sale.opportunity', 'sale.sale']

    @classmethod
    def get_origin(cls):
        get_name = Pool().get('ir.model').get_name
        return [(None, '')] + [(m, get_name(m)) for m in cls._get_origin()]

    @classmethod
    def _party_from_origin(cls, origin):
        "Return the customer of the origin document"
        if origin and origin.id is not None and origin.id >= 0:
            return getattr(origin, 'party', None)

    @fields.depends('origin', 'party')
    def on_change_origin(self):
        party = self._party_from_origin(self.origin)
        if party:
            self.party = party

    @fields.depends('follow_up_date', 'follow_up_user')
    def on_change_follow_up_date(self):
        if self.follow_up_date and not self.follow_up_user:
            self.follow_up_user = Transaction().user

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('party') and values.get(
                'origin'):
            party = cls._party_from_origin(cls(origin=values['origin']).origin)
            if party:
                values['party'] = party.id
        return values

    @classmethod
    def on_modification(cls, mode, interactions, field_names=None):
        super().on_modification(mode, interactions, field_names=field_names)
        if mode == 'create' or (mode == 'write' and field_names & {
                    'follow_up_date', 'follow_up_user', 'next_step'}):
            cls._sync_follow_ups(interactions)

    @classmethod
    def _sync_follow_ups(cls, interactions):
        """Create the follow-up of the interactions with a follow-up date
        or keep their open follow-ups in step."""
        pool = Pool()
        FollowUp = pool.get('crm.follow_up')
        to_create, to_save = [], []
        for interaction in interactions:
            if not interaction.follow_up_date:
                continue
            if not interaction.follow_ups:
                to_create.append(interaction._get_follow_up())
                continue
            for follow_up in interaction.follow_ups:
                if follow_up.state != 'open':
                    continue
                follow_up.due_date = interaction.follow_up_date
                follow_up.user = interaction.follow_up_user
                follow_up.description = interaction._follow_up_description
                to_save.append(follow_up)
        FollowUp.save(to_create + to_save)

    @property
    def _follow_up_description(self):
        return self.next_step or self.subject

    def _get_follow_up(self):
        pool = Pool()
        FollowUp = pool.get('crm.follow_up')
        origin = self.origin
        if origin and origin.__name__ not in FollowUp._get_origin():
            origin = None
        return FollowUp(
            company=self.company,
            party=self.party,
            interaction=self,
            origin=origin,
            description=self._follow_up_description,
            due_date=self.follow_up_date,
            user=self.follow_up_user or Transaction().user,
            )

    @classmethod
    def copy(cls, interactions, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('follow_ups')
        default.setdefault('follow_up_date')
        default.setdefault('user', Transaction().user)
        return super().copy(interactions, default=default)


class InteractionUser(ModelSQL):
    __name__ = 'crm.interaction-res.user'
    __string__ = "Interaction - User"
    interaction = fields.Many2One(
        'crm.interaction', "Interaction", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('interaction')


class InteractionContact(ModelSQL):
    __name__ = 'crm.interaction-party.party'
    __string__ = "Interaction - Contact"
    interaction = fields.Many2One(
        'crm.interaction', "Interaction", required=True, ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Contact", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('interaction')


class PartyReplace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        return super().fields_to_replace() + [
            ('crm.interaction', 'party'),
            ('crm.interaction-party.party', 'party'),
            ('crm.follow_up', 'party'),
            ]


class PartyErase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def to_erase(self, party_id):
        pool = Pool()
        Interaction = pool.get('crm.interaction')
        FollowUp = pool.get('crm.follow_up')
        return super().to_erase(party_id) + [
            (Interaction, [('party', '=', party_id)], True,
                ['subject', 'summary', 'next_step'],
                ['****', None, None]),
            (FollowUp, [('party', '=', party_id)], True,
                ['description'],
                ['****']),
            ]
