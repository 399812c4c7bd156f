"""The campaign report: one row per campaign, one SQL query.

- sent: the messages that went out (sent, delivered or bounced);
- delivery, open, click rates: delivered (SMS receipts; an e-mail accepted
  by the SMTP server counts as delivered unless bounced), opened, clicked
  among the sent;
- responses: the sent messages clicked or replied to; response rate among
  the sent;
- leads: crm.lead.campaign; conversion rate: leads among the sent;
- opportunities, sales and revenue: those attributed to the campaign's
  tracking campaign (``marketing_campaign``), revenue the untaxed amount of
  its confirmed, processing and done sales;
- cost per lead and ROI ((revenue - cost) / cost) from the actual cost.
"""
from sql import Cast, Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce, NullIf

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool

from ..security import ReadOnlyQueryMixin

SALE_STATES = ['confirmed', 'processing', 'done']


class CampaignReport(ReadOnlyQueryMixin, ModelSQL, ModelView):
    __name__ = 'crm.campaign.report'
    __string__ = "Campaign Report"

    campaign = fields.Many2One('crm.campaign', "Campaign")
    company = fields.Many2One('company.company', "Company")
    name = fields.Char("Name")
    channel = fields.Selection([
            ('email', "E-mail"),
            ('sms', "SMS"),
            ], "Channel")
    state = fields.Selection('get_states', "State")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')
    cost = fields.Numeric("Actual Cost", digits=(16, 2))
    recipients = fields.Integer("Recipients")
    skipped = fields.Integer("Skipped")
    sent = fields.Integer("Sent")
    delivered = fields.Integer("Delivered")
    bounced = fields.Integer("Bounced")
    opened = fields.Integer("Opened")
    clicked = fields.Integer("Clicked")
    unsubscribed = fields.Integer("Unsubscribed")
    replied = fields.Integer("Replied")
    responses = fields.Integer("Responses")
    delivery_rate = fields.Float("Delivery Rate", digits=(1, 4))
    open_rate = fields.Float("Open Rate", digits=(1, 4))
    click_rate = fields.Float("Click Rate", digits=(1, 4))
    response_rate = fields.Float("Response Rate", digits=(1, 4))
    leads = fields.Integer("Leads")
    conversion_rate = fields.Float("Conversion Rate", digits=(1, 4))
    opportunities = fields.Integer("Opportunities")
    sales = fields.Integer("Sales")
    revenue = fields.Numeric("Revenue", digits=(16, 2))
    cost_per_lead = fields.Numeric("Cost per Lead", digits=(16, 2))
    roi = fields.Float("ROI", digits=(16, 4))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('campaign', 'DESC'), ('id', 'DESC')]

    @classmethod
    def get_states(cls):
        Campaign = Pool().get('crm.campaign')
        return Campaign.fields_get(['state'])['state']['selection']

    def get_currency(self, name):
        return self.company.currency.id if self.company else None

    @classmethod
    def table_query(cls):
        pool = Pool()
        campaign = pool.get('crm.campaign').__table__()
        recipient = pool.get('crm.campaign.recipient').__table__()
        lead = pool.get('crm.lead').__table__()
        opportunity = pool.get('sale.opportunity').__table__()
        sale = pool.get('sale.sale').__table__()
        float_ = cls.open_rate.sql_type().base
        numeric = cls.revenue.sql_type().base

        def count(condition):
            return Sum(Case((condition, 1), else_=0))

        sent_states = ['sent', 'delivered', 'bounced']
        is_sent = recipient.state.in_(sent_states)
        messages = recipient.select(
            recipient.campaign.as_('campaign'),
            Count(recipient.id).as_('recipients'),
            count(recipient.state == 'skipped').as_('skipped'),
            count(is_sent).as_('sent'),
            count(recipient.state.in_(['sent', 'delivered'])
                & ((recipient.channel != 'sms')
                    | (recipient.state == 'delivered'))).as_('delivered'),
            count(recipient.state == 'bounced').as_('bounced'),
            count(is_sent & (recipient.opened_at != Null)).as_('opened'),
            count(is_sent & (recipient.clicked_at != Null)).as_('clicked'),
            count(recipient.unsubscribed_at != Null).as_('unsubscribed'),
            count(recipient.replied_at != Null).as_('replied'),
            count(is_sent & ((recipient.clicked_at != Null)
                    | (recipient.replied_at != Null))).as_('responses'),
            group_by=[recipient.campaign])
        leads = lead.select(
            lead.campaign.as_('campaign'), Count(lead.id).as_('leads'),
            where=lead.campaign != Null, group_by=[lead.campaign])
        opportunities = opportunity.select(
            opportunity.marketing_campaign.as_('marketing_campaign'),
            Count(opportunity.id).as_('opportunities'),
            where=(opportunity.marketing_campaign != Null)
            & (opportunity.state != 'cancelled'),
            group_by=[opportunity.marketing_campaign])
        sales = sale.select(
            sale.marketing_campaign.as_('marketing_campaign'),
            Count(sale.id).as_('sales'),
            Sum(Coalesce(sale.untaxed_amount_cache, 0)).as_('revenue'),
            where=(sale.marketing_campaign != Null)
            & sale.state.in_(SALE_STATES),
            group_by=[sale.marketing_campaign])

        query = campaign.join(messages, 'LEFT',
            condition=messages.campaign == campaign.id
            ).join(leads, 'LEFT', condition=leads.campaign == campaign.id
            ).join(opportunities, 'LEFT',
            condition=opportunities.marketing_campaign
            == campaign.marketing_campaign
            ).join(sales, 'LEFT',
            condition=sales.marketing_campaign == campaign.marketing_campaign)

        def zero(column):
            return Coalesce(column, 0)

        def rate(numerator, denominator):
            return Cast(zero(numerator), float_) / NullIf(
                zero(denominator), 0)

        revenue = Cast(zero(sales.revenue), numeric)
        cost = Cast(zero(campaign.cost), numeric)
        return query.select(
            campaign.id.as_('id'),
            campaign.create_uid.as_('create_uid'),
            campaign.create_date.as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            campaign.id.as_('campaign'),
            campaign.company.as_('company'),
            campaign.name.as_('name'),
            campaign.channel.as_('channel'),
            campaign.state.as_('state'),
            campaign.cost.as_('cost'),
            zero(messages.recipients).as_('recipients'),
            zero(messages.skipped).as_('skipped'),
            zero(messages.sent).as_('sent'),
            zero(messages.delivered).as_('delivered'),
            zero(messages.bounced).as_('bounced'),
            zero(messages.opened).as_('opened'),
            zero(messages.clicked).as_('clicked'),
            zero(messages.unsubscribed).as_('unsubscribed'),
            zero(messages.replied).as_('replied'),
            zero(messages.responses).as_('responses'),
            rate(messages.delivered, messages.sent).as_('delivery_rate'),
            rate(messages.opened, messages.sent).as_('open_rate'),
            rate(messages.clicked, messages.sent).as_('click_rate'),
            rate(messages.responses, messages.sent).as_('response_rate'),
            zero(leads.leads).as_('leads'),
            rate(leads.leads, messages.sent).as_('conversion_rate'),
            zero(opportunities.opportunities).as_('opportunities'),
            zero(sales.sales).as_('sales'),
            revenue.as_('revenue'),
            (cost / NullIf(Cast(zero(leads.leads), numeric), 0)).as_(
                'cost_per_lead'),
            (Cast(revenue - cost, float_) / NullIf(
                    Cast(cost, float_), 0)).as_('roi'),
            )
