"""Leads: prospects captured from forms, imports, mail, the API or by hand,
scored, qualified, assigned and converted into customers.

Workflow: new -> working -> qualified -> converted, disqualified (with a
reason) from any open state and back to working.  Qualifying a lead
without a sales representative assigns one by the lead assignment rules
(province, industry; then round robin or least open leads among the
present members of the rule's team) and notifies the representative (a
client notification and, when the user has an address, an e-mail through
the queue).  Converting a qualified lead creates (or links) the customer,
the contact person and the opportunity in one step; the lead keeps the
links and its change log.
"""
import json
from collections import defaultdict

from sql.aggregate import Count

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Workflow, fields,
    sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from ..customer.duplicate import DuplicateWarning
from ..customer.normalize import (
    USCC_TYPE, InvalidValue, email_key, normalize_name, normalize_phone,
    normalize_uscc)
from ..customer.party import HEADCOUNTS
from ..security import check_records
from ..team import TeamRotationMixin
from ..text_input import TextInputMixin

STATES = [
    ('new', "New"),
    ('working', "Working"),
    ('qualified', "Qualified"),
    ('converted', "Converted"),
    ('disqualified', "Disqualified"),
    ]
OPEN_STATES = {'new', 'working', 'qualified'}
DISQUALIFY_REASONS = [
    (None, ""),
    ('no_need', "No Need"),
    ('no_budget', "No Budget"),
    ('unreachable', "Unreachable"),
    ('competitor', "Chose a Competitor"),
    ('duplicate', "Duplicate"),
    ('spam', "Spam"),
    ('other', "Other"),
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
    uscc = fields.Char(
        "Unified Social Credit Code", states=_states,
        help="The 18 characters code of the organization.")
    phone_compact = fields.Char("Phone Compact", readonly=True)
    email_compact = fields.Char("E-mail Compact", readonly=True)
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
        'crm.contact', "Contact", readonly=True, ondelete='SET NULL')
    opportunity = fields.Many2One(
        'sale.opportunity', "Opportunity", readonly=True,
        ondelete='SET NULL')
    disqualify_reason = fields.Selection(
        DISQUALIFY_REASONS, "Disqualification Reason", sort=False,
        states={
            'readonly': Eval('state') != 'working',
            'invisible': ~Eval('state').in_(['working', 'disqualified']),
            })
    disqualify_note = fields.Text(
        "Disqualification Note",
        states={
            'readonly': Eval('state') != 'working',
            'invisible': ~Eval('state').in_(['working', 'disqualified']),
            })
    qualified_date = fields.DateTime("Qualified Date", readonly=True)
    converted_date = fields.DateTime("Converted Date", readonly=True)
    duplicates = fields.Function(
        fields.Text("Possible Duplicates"), 'get_duplicates')
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.owner, Index.Range())),
                Index(t, (t.state, Index.Equality())),
                Index(t, (t.phone_compact, Index.Equality())),
                Index(t, (t.email_compact, Index.Equality())),
                })
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._transitions |= {
            ('new', 'working'),
            ('new', 'qualified'),
            ('working', 'qualified'),
            ('new', 'disqualified'),
            ('working', 'disqualified'),
            ('qualified', 'disqualified'),
            ('disqualified', 'working'),
            ('qualified', 'working'),
            ('qualified', 'converted'),
            }
        cls._buttons.update({
                'working': {
                    'invisible': ~Eval('state').in_(
                        ['new', 'qualified', 'disqualified']),
                    'icon': If(Eval('state') == 'new',
                        'tryton-forward', 'tryton-back'),
                    'depends': ['state'],
                    },
                'qualify': {
                    'invisible': ~Eval('state').in_(['new', 'working']),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'disqualify': {
                    'invisible': ~Eval('state').in_(
                        ['new', 'working', 'qualified']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'convert': {
                    'invisible': Eval('state') != 'qualified',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'new'

    # --- normalised keys and duplicates -----------------------------------

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'phone' in values:
            values['phone_compact'] = (
                normalize_phone(values['phone']) if values['phone']
                else None)
        if 'email' in values:
            values['email_compact'] = (
                email_key(values['email']) if values['email'] else None)
        if values.get('uscc'):
            try:
                values['uscc'] = normalize_uscc(values['uscc'])
            except InvalidValue:
                pass
        return values

    @classmethod
    def validate_fields(cls, leads, field_names):
        super().validate_fields(leads, field_names)
        if field_names & {'uscc'} if field_names else True:
            for lead in leads:
                if lead.uscc:
                    try:
                        normalize_uscc(lead.uscc)
                    except InvalidValue:
                        raise UserError(gettext(
                                'crm_plus.msg_lead_invalid_uscc',
                                value=lead.uscc))

    def _customer_probe(self, kind=None):
        "An unsaved customer with the lead's keys, to find its duplicates"
        pool = Pool()
        Party = pool.get('party.party')
        Mechanism = pool.get('party.contact_mechanism')
        Identifier = pool.get('party.identifier')
        kind = kind or ('enterprise' if self.organization else 'individual')
        mechanisms = []
        if self.phone:
            mechanisms.append(Mechanism(type='phone', value=self.phone))
        if self.email:
            mechanisms.append(Mechanism(type='email', value=self.email))
        identifiers = []
        if self.uscc and kind == 'enterprise':
            identifiers.append(Identifier(type=USCC_TYPE, code=self.uscc))
        return Party(
            name=(self.organization if kind == 'enterprise' else self.name),
            crm_kind=kind, contact_mechanisms=mechanisms,
            identifiers=identifiers, addresses=[])

    def find_duplicate_customers(self, kind=None):
        """{party: [reason, ...]} of the customers like the lead, among
        those the user may read"""
        return self._customer_probe(kind).find_duplicates()

    def find_duplicate_leads(self):
        "{lead: [reason, ...]} of the other leads like this one"
        reasons = defaultdict(list)
        domain = [('state', '!=', 'disqualified')]
        if self.id is not None and self.id >= 0:
            domain.append(('id', '!=', self.id))
        phone = normalize_phone(self.phone) if self.phone else None
        if phone:
            for lead in self.search(domain + [
                        ('phone_compact', '=', phone)], limit=20):
                reasons[lead].append(gettext(
                        'crm_plus.msg_customer_duplicate_reason_phone'))
        if self.email:
            for lead in self.search(domain + [
                        ('email_compact', '=', email_key(self.email))],
                    limit=20):
                reasons[lead].append(gettext(
                        'crm_plus.msg_customer_duplicate_reason_email'))
        uscc = None
        if self.uscc:
            try:
                uscc = normalize_uscc(self.uscc)
            except InvalidValue:
                pass
        if uscc:
            for lead in self.search(domain + [('uscc', '=', uscc)],
                    limit=20):
                reasons[lead].append(gettext(
                        'crm_plus.msg_customer_duplicate_reason_uscc'))
        name = normalize_name(self.organization) if self.organization else ''
        if name:
            for lead in self.search(domain + [
                        ('organization', 'ilike', '%' + self.organization
                            .replace('%', '\\%').replace('_', '\\_') + '%'),
                        ], limit=20):
                if normalize_name(lead.organization) == name:
                    reasons[lead].append(gettext(
                            'crm_plus.msg_customer_duplicate_reason_name'))
        return dict(reasons)

    def duplicate_lines(self):
        "The texts telling the customers and leads like the lead"
        lines = []
        for party, reasons in sorted(
                self.find_duplicate_customers().items(),
                key=lambda i: i[0].id):
            lines.append(gettext('crm_plus.msg_lead_duplicate_customer',
                    party=party.rec_name, reasons=', '.join(reasons)))
        for lead, reasons in sorted(
                self.find_duplicate_leads().items(), key=lambda i: i[0].id):
            lines.append(gettext('crm_plus.msg_lead_duplicate_lead',
                    lead=lead.rec_name, reasons=', '.join(reasons)))
        return lines

    @classmethod
    def get_duplicates(cls, leads, name):
        result = {}
        for lead in leads:
            if lead.state in {'converted', 'disqualified'}:
                result[lead.id] = None
            else:
                result[lead.id] = '\n'.join(lead.duplicate_lines()) or None
        return result

    def get_rec_name(self, name):
        if self.organization:
            return f'{self.name} ({self.organization})'
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('name', operator, value),
            ('organization', operator, value),
            ('phone', operator, value),
            ('email', operator, value),
            ]

    @classmethod
    def create(cls, vlist):
        leads = super().create(vlist)
        context = Transaction().context
        # Warn users (RPC calls) entering leads, not server code
        if (context.get('_check_access')
                and not context.get('_crm_skip_duplicate_check')):
            cls.check_duplicates(leads)
        return leads

    @classmethod
    def write(cls, *args):
        super().write(*args)
        context = Transaction().context
        if (context.get('_check_access')
                and not context.get('_crm_skip_duplicate_check')):
            actions = iter(args)
            changed = []
            for records, values in zip(actions, actions):
                if values.keys() & {'phone', 'email', 'uscc',
                        'organization'}:
                    changed.extend(records)
            cls.check_duplicates(changed)

    @classmethod
    def check_duplicates(cls, leads):
        "Warn when leads look like customers or other leads"
        Warning = Pool().get('res.user.warning')
        for lead in leads:
            lines = lead.duplicate_lines()
            if not lines:
                continue
            key = Warning.format('crm_lead_duplicate', [lead])
            if Warning.check(key):
                raise DuplicateWarning(key, gettext(
                        'crm_plus.msg_lead_duplicate_warning',
                        lead=lead.rec_name, duplicates='; '.join(lines)))

    @classmethod
    def copy(cls, leads, default=None):
        default = default.copy() if default else {}
        for name in ['party', 'contact', 'opportunity', 'qualified_date',
                'converted_date', 'disqualify_reason', 'disqualify_note']:
            default.setdefault(name, None)
        default.setdefault('state', 'new')
        return super().copy(leads, default=default)

    @classmethod
    def check_modification(cls, mode, leads, values=None, external=False):
        super().check_modification(
            mode, leads, values=values, external=external)
        if mode == 'delete':
            for lead in leads:
                if lead.state == 'converted':
                    raise UserError(gettext(
                            'crm_plus.msg_lead_delete_converted',
                            lead=lead.rec_name))

    # --- workflow ----------------------------------------------------------

    @classmethod
    @ModelView.button
    @Workflow.transition('working')
    def working(cls, leads):
        cls.write([l for l in leads if l.disqualify_reason
                or l.disqualify_note], {
                'disqualify_reason': None,
                'disqualify_note': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('qualified')
    def qualify(cls, leads):
        "Qualify the leads; those without a representative get one"
        now = cls._now()
        cls.write(list(leads), {'qualified_date': now})
        assigned = cls.assign(
            [l for l in cls.browse(leads) if not l.owner])
        if assigned:
            cls.notify_owners(assigned)

    @classmethod
    @ModelView.button
    @Workflow.transition('disqualified')
    def disqualify(cls, leads):
        for lead in leads:
            if not lead.disqualify_reason:
                raise UserError(gettext(
                        'crm_plus.msg_lead_disqualify_reason_required',
                        lead=lead.rec_name))

    @classmethod
    @ModelView.button_action('crm_plus.wizard_lead_convert')
    def convert(cls, leads):
        pass

    @staticmethod
    def _now():
        import datetime
        return datetime.datetime.now()

    # --- assignment ----------------------------------------------------------

    @classmethod
    def assign(cls, leads):
        "Give the leads a representative by the rules, return those assigned"
        Rule = Pool().get('crm.lead.assignment.rule')
        assigned = []
        if not leads:
            return assigned
        with without_check_access():
            rules = Rule.search([])
            for lead in leads:
                for rule in rules:
                    if rule.match(lead):
                        owner = rule.pick()
                        if owner:
                            cls.write([lead], {'owner': owner.id})
                            assigned.append(lead)
                            break
        return assigned

    @classmethod
    def notify_owners(cls, leads):
        """Tell each representative their new leads: a client notification,
        and an e-mail through the queue when the user has an address"""
        pool = Pool()
        User = pool.get('res.user')
        Notification = pool.get('res.notification')
        ModelData = pool.get('ir.model.data')
        action_id = ModelData.get_id('crm_plus', 'act_lead_my')
        by_owner = defaultdict(list)
        for lead in cls.browse(leads):
            if lead.owner:
                by_owner[lead.owner.id].append(lead.id)
        notifications, mails = [], []
        with without_check_access():
            users = User.search([
                    ('employees', 'in', list(by_owner)),
                    ('active', '=', True),
                    ])
            for user in users:
                ids = sorted({i for e in user.employees
                        for i in by_owner.get(e.id, [])})
                if not ids:
                    continue
                with Transaction().set_context(language=user.language.code
                        if user.language else None):
                    label = gettext('crm_plus.msg_lead_assigned_label')
                    description = gettext(
                        'crm_plus.msg_lead_assigned_description',
                        leads=', '.join(l.rec_name
                            for l in cls.browse(ids)))
                notifications.append(Notification(
                        user=user, label=label, description=description,
                        icon='tryton-notification', model=cls.__name__,
                        records=json.dumps(ids), action=action_id))
                if user.email:
                    mails.append((user.id, ids))
            Notification.save(notifications)
        for user_id, ids in mails:
            cls.__queue__.mail_owner(cls.browse(ids), user_id)

    @classmethod
    def mail_owner(cls, leads, user_id):
        "Send the user the mail telling the leads assigned to them"
        pool = Pool()
        User = pool.get('res.user')
        Email = pool.get('ir.email')
        with without_check_access():
            user = User(user_id)
            leads = cls.browse(leads)
            if not user.email or not leads:
                return
            with Transaction().set_context(language=user.language.code
                    if user.language else None):
                subject = gettext('crm_plus.msg_lead_assigned_label')
                body = '\n'.join(
                    [gettext('crm_plus.msg_lead_assigned_mail')] + [
                        '- %s %s %s' % (l.rec_name, l.phone or '',
                            l.email or '') for l in leads])
            Email.send(to=user.email, subject=subject, body=body,
                record=(cls.__name__, leads[0].id))

    # --- conversion ----------------------------------------------------------

    def _party_values(self, kind):
        values = {
            'crm_kind': kind,
            'crm_owner': self.owner.id if self.owner else None,
            'crm_source': self.source.id if self.source else None,
            }
        mechanisms = []
        if kind == 'enterprise':
            values.update({
                    'name': self.organization,
                    'crm_industry': self.industry.id if self.industry
                    else None,
                    'crm_headcount': self.headcount,
                    })
            if self.uscc:
                values['identifiers'] = [('create', [{
                                'type': USCC_TYPE, 'code': self.uscc}])]
        else:
            values['name'] = self.name
            if self.phone:
                mechanisms.append({'type': 'mobile', 'value': self.phone})
            if self.email:
                mechanisms.append({'type': 'email', 'value': self.email})
        if mechanisms:
            values['contact_mechanisms'] = [('create', mechanisms)]
        if self.subdivision:
            values['addresses'] = [('create', [{
                            'country': self.subdivision.country.id,
                            'subdivision': self.subdivision.id,
                            }])]
        return values

    def _opportunity_values(self, party, contact):
        values = {
            'company': self.company.id,
            'party': party.id,
            'employee': self.owner.id if self.owner else None,
            'description': self.organization or self.name,
            'comment': self.description,
            }
        campaign = self.campaign
        if campaign and campaign.marketing_campaign:
            values['marketing_campaign'] = campaign.marketing_campaign.id
        probability = getattr(self, 'probability', None)
        if probability is not None:
            # the predicted probability, a fraction or a percentage
            probability = float(probability)
            if probability > 1:
                probability /= 100
            values['conversion_probability'] = min(max(probability, 0), 1)
        return values

    @classmethod
    def convert_leads(cls, leads, party=None, kind=None):
        """Convert the qualified leads into customer, contact person and
        opportunity (party: link the existing customer instead of creating
        one); return the opportunities"""
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        Opportunity = pool.get('sale.opportunity')
        for lead in leads:
            if lead.state != 'qualified':
                raise UserError(gettext(
                        'crm_plus.msg_lead_convert_not_qualified',
                        lead=lead.rec_name))
        if party is not None:
            # the user links only a customer they may read
            check_records([party])
        opportunities = []
        context = {'_crm_skip_duplicate_check': True,
            '_skip_warnings': True}
        for lead in leads:
            kind_ = kind or ('enterprise' if lead.organization
                else 'individual')
            with without_check_access(), \
                    Transaction().set_context(**context):
                customer = party
                if customer is None:
                    customer, = Party.create([lead._party_values(kind_)])
                contact = None
                if customer.crm_kind == 'enterprise':
                    contact, = Contact.create([{
                                'enterprise': customer.id,
                                'person_name': lead.name,
                                'position': lead.title,
                                'phone': lead.phone,
                                'email': lead.email,
                                }])
                opportunity, = Opportunity.create([
                        lead._opportunity_values(customer, contact)])
                cls.write([lead], {
                        'party': customer.id,
                        'contact': contact.id if contact else None,
                        'opportunity': opportunity.id,
                        'converted_date': cls._now(),
                        })
            opportunities.append(opportunity)
        cls._set_converted(leads)
        return opportunities

    @classmethod
    @Workflow.transition('converted')
    def _set_converted(cls, leads):
        pass


class LeadConvertStart(ModelView):
    __name__ = 'crm.lead.convert.start'
    __string__ = "Convert Lead"
    lead = fields.Many2One('crm.lead', "Lead", readonly=True)
    kind = fields.Selection([
            ('enterprise', "Enterprise"),
            ('individual', "Individual"),
            ], "Customer Kind", required=True,
        states={'readonly': Bool(Eval('customer'))})
    duplicates = fields.Many2Many(
        'party.party', None, None, "Similar Customers", readonly=True)
    duplicate_reasons = fields.Text("Why They Are Similar", readonly=True)
    customer = fields.Many2One(
        'party.party', "Existing Customer",
        domain=[('crm_kind', '!=', None)],
        help="Link the lead to this customer instead of creating one.")


class LeadConvert(Wizard):
    __name__ = 'crm.lead.convert'
    start = StateView('crm.lead.convert.start',
        'crm_plus.lead_convert_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Convert", 'convert', 'tryton-ok', default=True),
            ])
    convert = StateTransition()

    def default_start(self, fields):
        lead = self.record
        if lead.state != 'qualified':
            raise UserError(gettext(
                    'crm_plus.msg_lead_convert_not_qualified',
                    lead=lead.rec_name))
        kind = 'enterprise' if lead.organization else 'individual'
        found = lead.find_duplicate_customers(kind)
        ordered = sorted(found, key=lambda p: p.id)
        return {
            'lead': lead.id,
            'kind': kind,
            'duplicates': [p.id for p in ordered],
            'duplicate_reasons': '\n'.join(
                '%s: %s' % (p.rec_name, ', '.join(found[p]))
                for p in ordered) or None,
            'customer': ordered[0].id if len(ordered) == 1 else None,
            }

    def transition_convert(self):
        Lead = Pool().get('crm.lead')
        Lead.convert_leads([self.record], party=self.start.customer,
            kind=self.start.kind)
        return 'end'


class AssignmentRule(TeamRotationMixin, TextInputMixin, DeactivableMixin,
        sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'crm.lead.assignment.rule'
    __string__ = "Lead Assignment Rule"
    name = fields.Char("Name", required=True)
    subdivision = fields.Many2One(
        'country.subdivision', "Province", ondelete='CASCADE',
        domain=[('country.code', '=', 'CN'), ('parent', '=', None)],
        help="The province of the lead; empty for any.")
    industry = fields.Many2One(
        'crm.industry', "Industry", ondelete='CASCADE',
        help="The industry of the lead; empty for any.")
    team = fields.Many2One(
        'crm.team', "Team", required=True, ondelete='CASCADE')
    strategy = fields.Selection([
            ('round_robin', "Round Robin"),
            ('least_loaded', "Least Open Leads"),
            ], "Strategy", required=True,
        help="Round robin gives the members present their turn; least "
        "open leads the member present with the fewest open leads.")
    last_assignee = fields.Many2One(
        'company.employee', "Last Assignee", readonly=True,
        ondelete='SET NULL')

    @staticmethod
    def default_strategy():
        return 'round_robin'

    def match(self, lead):
        if self.team.company != lead.company:
            return False
        if self.subdivision and self.subdivision != lead.subdivision:
            return False
        if self.industry and self.industry != lead.industry:
            return False
        return True

    @classmethod
    def _open_counts(cls, members):
        Lead = Pool().get('crm.lead')
        lead = Lead.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*lead.select(
                lead.owner, Count(lead.id),
                where=lead.owner.in_([m.id for m in members])
                & lead.state.in_(sorted(OPEN_STATES)),
                group_by=[lead.owner]))
        return dict(cursor)


from . import lead_import  # noqa: E402,F401 (registers the CSV schema)
