"""Marketing campaigns: audience, waves of e-mail or SMS, and one send
record per recipient and wave."""
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..text_input import TextInputMixin
from .consent import CHANNELS


class Campaign(TextInputMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'crm.campaign'
    __string__ = "Campaign"

    _states = {'readonly': Eval('state') != 'draft'}

    name = fields.Char("Name", required=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    owner = fields.Many2One(
        'company.employee', "Owner",
        domain=[('company', '=', Eval('company', -1))])
    objective = fields.Text("Objective")
    channel = fields.Selection(
        [c for c in CHANNELS if c[0] != 'phone'], "Channel", required=True,
        states=_states)
    marketing_campaign = fields.Many2One(
        'marketing.campaign', "Tracking Campaign", ondelete='RESTRICT',
        help="The campaign that opportunities and sales are attributed to.")
    segments = fields.Many2Many(
        'crm.campaign-crm.segment', 'campaign', 'segment', "Segments",
        states=_states)
    waves = fields.One2Many('crm.campaign.wave', 'campaign', "Waves")
    recipients = fields.One2Many(
        'crm.campaign.recipient', 'campaign', "Recipients", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('scheduled', "Scheduled"),
            ('running', "Running"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_owner(cls):
        return Transaction().context.get('employee')

    @classmethod
    def default_channel(cls):
        return 'email'

    @classmethod
    def default_state(cls):
        return 'draft'


class CampaignSegment(ModelSQL):
    __name__ = 'crm.campaign-crm.segment'
    __access__ = {'campaign'}
    campaign = fields.Many2One(
        'crm.campaign', "Campaign", required=True, ondelete='CASCADE')
    segment = fields.Many2One(
        'crm.segment', "Segment", required=True, ondelete='RESTRICT')


class Wave(ModelSQL, ModelView):
    __name__ = 'crm.campaign.wave'
    __string__ = "Campaign Wave"
    __access__ = {'campaign'}

    campaign = fields.Many2One(
        'crm.campaign', "Campaign", required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence", required=True)
    name = fields.Char("Name", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('sequence', 'ASC'))


class Recipient(ModelSQL, ModelView):
    "The send record of one wave to one person, written before the send"
    __name__ = 'crm.campaign.recipient'
    __string__ = "Campaign Recipient"
    __access__ = {'campaign'}

    campaign = fields.Many2One(
        'crm.campaign', "Campaign", required=True, ondelete='CASCADE',
        readonly=True)
    wave = fields.Many2One(
        'crm.campaign.wave', "Wave", required=True, ondelete='CASCADE',
        readonly=True)
    party = fields.Many2One(
        'party.party', "Person", required=True, ondelete='CASCADE',
        readonly=True)
    channel = fields.Selection(CHANNELS, "Channel", readonly=True)
    address = fields.Char("Address", readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('skipped', "Skipped"),
            ('sent', "Sent"),
            ('delivered', "Delivered"),
            ('bounced', "Bounced"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True)
    sent_at = fields.DateTime("Sent At", readonly=True)
    opened_at = fields.DateTime("Opened At", readonly=True)
    clicked_at = fields.DateTime("Clicked At", readonly=True)
    unsubscribed_at = fields.DateTime("Unsubscribed At", readonly=True)
    replied_at = fields.DateTime("Replied At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('wave_party_unique', Unique(t, t.wave, t.party),
                'crm_plus.msg_campaign_recipient_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.party, Index.Range())))

    @classmethod
    def default_state(cls):
        return 'pending'
