"""Leads: prospects captured from forms, imports, mail, the API or by hand,
scored, qualified, assigned and converted into customers."""
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..customer.party import HEADCOUNTS
from ..text_input import TextInputMixin

STATES = [
    ('new', "New"),
    ('working', "Working"),
    ('qualified', "Qualified"),
    ('converted', "Converted"),
    ('disqualified', "Disqualified"),
    ]


class Lead(TextInputMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'crm.lead'
    __string__ = "Lead"

    _states = {'readonly': Eval('state').in_(['converted', 'disqualified'])}

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    name = fields.Char("Contact Name", required=True, states=_states)
    organization = fields.Char("Organization", states=_states)
    title = fields.Char("Job Title", states=_states)
    phone = fields.Char("Phone", states=_states)
    email = fields.Char("E-mail", states=_states)
    subdivision = fields.Many2One(
        'country.subdivision', "Province", states=_states,
        domain=[('country.code', '=', 'CN'), ('parent', '=', None)])
    city = fields.Many2One(
        'crm.region', "City", states=_states,
        domain=[('level', '=', 'city')])
    industry = fields.Many2One('crm.industry', "Industry", states=_states)
    headcount = fields.Selection(
        HEADCOUNTS, "Company Size", sort=False, states=_states)
    source = fields.Many2One(
        'crm.customer.source', "Source", states=_states)
    campaign = fields.Many2One(
        'crm.campaign', "Campaign", states=_states, ondelete='SET NULL')
    utm_source = fields.Char("UTM Source", states=_states)
    utm_medium = fields.Char("UTM Medium", states=_states)
    utm_campaign = fields.Char("UTM Campaign", states=_states)
    utm_content = fields.Char("UTM Content", states=_states)
    utm_term = fields.Char("UTM Term", states=_states)
    description = fields.Text("Description", states=_states)
    owner = fields.Many2One(
        'company.employee', "Sales Representative", states=_states,
        domain=[('company', '=', Eval('company', -1))])
    party = fields.Many2One(
        'party.party', "Customer", readonly=True, ondelete='SET NULL',
        context={'company': Eval('company', -1)}, depends={'company'})
    contact = fields.Many2One(
        'party.party', "Contact", readonly=True, ondelete='SET NULL',
        context={'company': Eval('company', -1)}, depends={'company'})
    opportunity = fields.Many2One(
        'sale.opportunity', "Opportunity", readonly=True,
        ondelete='SET NULL')
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.owner, Index.Range())),
                Index(t, (t.state, Index.Equality())),
                })
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._transitions |= {
            ('new', 'qualified'),
            ('working', 'qualified'),
            }

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'new'

    @classmethod
    @ModelView.button
    @Workflow.transition('qualified')
    def qualify(cls, leads):
        pass
