"""The customer profile: party.party extended for CRM customers.

A party is a CRM customer when its ``crm_kind`` is set (enterprise or
individual); suppliers, companies and employees keep it empty.
"""
import datetime as dt

from sql import Null
from sql.aggregate import Max

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.modules.party.exceptions import InvalidIdentifierCode
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from ..framework import WRITE_SLICE, search_ids
from ..security import hide_unreadable_fields
from ..text_input import TextInputMixin
from .normalize import complete_uscc

KINDS = [
    (None, ""),
    ('enterprise', "Enterprise"),
    ('individual', "Individual"),
    ]
HEADCOUNTS = [
    (None, ""),
    ('1-10', "1-10"),
    ('11-50', "11-50"),
    ('51-200', "51-200"),
    ('201-500', "201-500"),
    ('501-1000', "501-1000"),
    ('1000+', "More than 1000"),
    ]
REVENUES = [
    (None, ""),
    ('lt1m', "Less than CNY 1 million"),
    ('1m-10m', "CNY 1-10 million"),
    ('10m-50m', "CNY 10-50 million"),
    ('50m-100m', "CNY 50-100 million"),
    ('100m-1b', "CNY 100 million-1 billion"),
    ('gt1b', "More than CNY 1 billion"),
    ]
GENDERS = [
    (None, ""),
    ('female', "Female"),
    ('male', "Male"),
    ]
LIFECYCLES = [
    ('potential', "Potential"),
    ('active', "Active"),
    ('at_risk', "At Risk"),
    ('lost', "Lost"),
    ]
SALE_DONE_STATES = ['confirmed', 'processing', 'done']



class ClaimError(UserError):
    pass


class LifecycleError(UserError):
    pass


_enterprise = {'invisible': Eval('crm_kind') != 'enterprise'}
_individual = {'invisible': Eval('crm_kind') != 'individual'}
_customer = {'invisible': ~Eval('crm_kind')}


def age_at(birthday, date):
    "Return the age in full years of someone born on birthday at date"
    if not birthday or not date or date < birthday:
        return None
    return date.year - birthday.year - (
        (date.month, date.day) < (birthday.month, birthday.day))


class Party(TextInputMixin, metaclass=PoolMeta):
    __name__ = 'party.party'
    crm_owner = fields.Many2One(
        'company.employee', "Owner",
        help="The sales representative responsible for the customer.")
    crm_team = fields.Many2One(
        'crm.team', "Team",
        help="The sales team the customer belongs to.")
    crm_kind = fields.Selection(
        KINDS, "Customer Kind",
        help="Set for CRM customers; empty for suppliers, companies "
        "and other parties.")
    crm_customer = fields.Function(
        fields.Boolean("CRM Customer"),
        'on_change_with_crm_customer', searcher='search_crm_customer')
    crm_contact_owners = fields.Function(
        fields.Many2Many(
            'company.employee', None, None, "Contact Owners",
            help="The owners of the customers the person is a contact of."),
        'get_crm_contact_owners', searcher='search_crm_contact_owners')

    # Enterprise
    crm_uscc = fields.Function(
        fields.Char(
            "Unified Social Credit Code", states=_enterprise,
            help="The 18 characters code of the enterprise, "
            "stored as its Chinese USCC identifier."),
        'get_crm_identifier', setter='set_crm_identifier',
        searcher='search_crm_identifier')
    crm_industry = fields.Many2One(
        'crm.industry', "Industry", ondelete='RESTRICT', states=_enterprise)
    crm_headcount = fields.Selection(
        HEADCOUNTS, "Company Size", sort=False, states=_enterprise,
        help="The number of employees.")
    crm_revenue = fields.Selection(
        REVENUES, "Annual Revenue", sort=False, states=_enterprise)
    crm_website = fields.Char("Website", states=_enterprise)

    # Individual
    crm_gender = fields.Selection(
        GENDERS, "Gender", states=_individual)
    crm_birthday = fields.Date("Birthday", states=_individual)
    crm_age = fields.Function(
        fields.Integer("Age", states=_individual), 'get_crm_age')
    crm_id_number = fields.Function(
        fields.Char(
            "ID Number", states=_individual,
            help="The resident identity card number, "
            "stored as its Chinese RIC identifier."),
        'get_crm_identifier', setter='set_crm_identifier',
        searcher='search_crm_identifier')

    # Classification
    crm_lifecycle = fields.Selection(
        LIFECYCLES, "Lifecycle", sort=False, readonly=True, states=_customer,
        help="Potential customers become active with their first confirmed "
        "sale and at risk without activity for the configured days.")
    crm_lost_reason = fields.Text(
        "Lost Reason", readonly=True,
        states={
            'invisible': Eval('crm_lifecycle') != 'lost',
            'required': Eval('crm_lifecycle') == 'lost',
            })
    crm_lost_date = fields.Date(
        "Lost Date", readonly=True,
        states={
            'invisible': Eval('crm_lifecycle') != 'lost',
            'required': Eval('crm_lifecycle') == 'lost',
            })
    crm_source = fields.Many2One(
        'crm.customer.source', "Source", ondelete='RESTRICT',
        states=_customer)
    crm_level = fields.Many2One(
        'crm.customer.level', "Level", ondelete='RESTRICT',
        states=_customer)
    crm_preferences = fields.One2Many(
        'crm.customer.preference', 'party', "Needs and Preferences",
        states=_customer)
    crm_owner_history = fields.One2Many(
        'crm.customer.owner_history', 'party', "Owner History",
        readonly=True, states=_customer)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'crm_mark_lost': {
                    'invisible': (~Eval('crm_kind')
                        | (Eval('crm_lifecycle') == 'lost')),
                    'depends': ['crm_kind', 'crm_lifecycle'],
                    },
                'crm_reactivate': {
                    'invisible': (~Eval('crm_kind')
                        | ~Eval('crm_lifecycle').in_(['at_risk', 'lost'])),
                    'depends': ['crm_kind', 'crm_lifecycle'],
                    },
                'crm_claim': {
                    'invisible': ~Eval('crm_kind') | Bool(Eval('crm_owner')),
                    'depends': ['crm_kind', 'crm_owner'],
                    },
                })

    @classmethod
    def fields_get(cls, fields_names=None, level=0):
        "Hide the fields the user may not read, as views do"
        return hide_unreadable_fields(cls, super().fields_get(
                fields_names=fields_names, level=level))

    @classmethod
    def read(cls, ids, fields_names):
        "List only the identifiers the record rules let the user read"
        pool = Pool()
        Identifier = pool.get('party.identifier')
        result = super().read(ids, fields_names)
        if 'identifiers' in fields_names and Transaction().check_access:
            visible = {i.id for i in Identifier.search([
                        ('party', 'in', ids),
                        ])}
            for row in result:
                if row.get('identifiers') is not None:
                    row['identifiers'] = [
                        i for i in row['identifiers'] if i in visible]
        return result

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/form/notebook/page[@id="crm_profile"]', 'states', _customer),
            ('/form/notebook/page[@name="crm_preferences"]', 'states',
                _customer),
            ('/form/notebook/page[@name="crm_owner_history"]', 'states',
                _customer),
            ('//group[@id="crm_enterprise"]', 'states', _enterprise),
            ('//group[@id="crm_individual"]', 'states', _individual),
            ]

    @classmethod
    def default_crm_kind(cls):
        return Transaction().context.get('crm_kind')

    @classmethod
    def default_crm_lifecycle(cls):
        return 'potential'

    @fields.depends('crm_owner', 'crm_team')
    def on_change_crm_owner(self):
        if self.crm_owner and not self.crm_team:
            teams = self.crm_owner.crm_teams
            if len(teams) == 1:
                self.crm_team, = teams

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if ((field_names is None or 'crm_kind' in field_names)
                and self.crm_kind and not self.crm_lifecycle):
            values['crm_lifecycle'] = 'potential'
        return values

    @fields.depends('crm_kind')
    def on_change_with_crm_customer(self, name=None):
        return bool(self.crm_kind)

    @classmethod
    def search_crm_customer(cls, name, clause):
        _, operator, value = clause
        if operator not in {'=', '!='}:
            return []
        if (operator == '=') == bool(value):
            return [('crm_kind', '!=', None)]
        return [('crm_kind', '=', None)]

    @classmethod
    def _crm_contact_owners_query(cls):
        "The (person, owner) pairs of the customers persons are contacts of"
        pool = Pool()
        Contact = pool.get('crm.contact')
        contact = Contact.__table__()
        enterprise = cls.__table__()
        return contact.join(enterprise,
            condition=contact.enterprise == enterprise.id
            ).select(contact.person, enterprise.crm_owner,
            where=(enterprise.crm_owner != Null) & (contact.person != Null))

    @classmethod
    def get_crm_contact_owners(cls, parties, name):
        cursor = Transaction().connection.cursor()
        query = cls._crm_contact_owners_query()
        result = {p.id: [] for p in parties}
        for sub_ids in grouped_slice(
                list(result), backend.MAX_QUERY_PARAMS):
            sub_query = query.select(
                query.person, query.crm_owner,
                where=query.person.in_(list(sub_ids)))
            cursor.execute(*sub_query)
            for person, owner in cursor:
                result[person].append(owner)
        return result

    @classmethod
    def search_crm_contact_owners(cls, name, clause):
        "Search by raw SQL: record rules are built on it (no recursion)"
        _, operator, value = clause[:3]
        query = cls._crm_contact_owners_query()
        if operator == '=' and value is None:
            return [('id', 'not in', query.select(query.person))]
        if operator == '!=' and value is None:
            return [('id', 'in', query.select(query.person))]
        if operator in {'in', 'not in'}:
            ids = [int(v) for v in value]
        elif operator in {'=', '!='}:
            ids = [int(value)]
            operator = {'=': 'in', '!=': 'not in'}[operator]
        else:
            raise ValueError(f"operator {operator} on {name}")
        where = query.crm_owner.in_(ids or [-1])
        return [('id', operator, query.select(query.person, where=where))]

    @classmethod
    def _crm_identifier_types(cls):
        "Map the identifier function fields to their party.identifier type"
        return {
            'crm_uscc': 'cn_vat',
            'crm_id_number': 'cn_ric',
            }

    @classmethod
    def get_crm_identifier(cls, parties, names):
        pool = Pool()
        Identifier = pool.get('party.identifier')
        types = cls._crm_identifier_types()
        result = {n: {p.id: None for p in parties} for n in names}
        by_type = {types[n]: n for n in names}
        identifiers = Identifier.search([
                ('party', 'in', [p.id for p in parties]),
                ('type', 'in', list(by_type)),
                ], order=[('sequence', 'DESC NULLS FIRST'), ('id', 'DESC')])
        # Ordered so that the first identifier of a type is set last
        for identifier in identifiers:
            name = by_type[identifier.type]
            result[name][identifier.party.id] = identifier.code
        return result

    @classmethod
    def set_crm_identifier(cls, parties, name, value):
        pool = Pool()
        Identifier = pool.get('party.identifier')
        type_ = cls._crm_identifier_types()[name]
        value = value.strip() if value else None
        to_save, to_delete = [], []
        for party in parties:
            existing = [i for i in party.identifiers if i.type == type_]
            if not value:
                to_delete.extend(existing)
                continue
            identifier = existing[0] if existing else Identifier(
                party=party, type=type_)
            identifier.code = value
            try:
                identifier.check_code()
            except InvalidIdentifierCode as exception:
                raise InvalidIdentifierCode(gettext(
                        'crm_plus.msg_customer_invalid_identifier',
                        field=cls.fields_get([name])[name]['string'],
                        code=value, party=party.rec_name)) from exception
            to_save.append(identifier)
        Identifier.delete(to_delete)
        Identifier.save(to_save)

    @classmethod
    def search_crm_identifier(cls, name, clause):
        from .search import searched_text
        type_ = cls._crm_identifier_types()[name]
        _, operator, value = clause[:3]
        code = (complete_uscc(searched_text(operator, value))
            if type_ == 'cn_vat' else None)
        if code:
            # A complete code is looked up by its indexed compact value
            return [('identifiers', 'where', [
                        ('type', '=', type_),
                        ('code_compact', '=', code),
                        ])]
        return [('identifiers', 'where', [
                    ('type', '=', type_),
                    ('code', operator, value),
                    ])]

    def get_crm_age(self, name):
        return age_at(self.crm_birthday, Pool().get('ir.date').today())

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('crm_owner_history')
        default.setdefault('crm_lifecycle', 'potential')
        default.setdefault('crm_lost_reason')
        default.setdefault('crm_lost_date')
        return super().copy(parties, default=default)

    # Owner history
    @classmethod
    def on_write(cls, parties, values):
        callbacks = super().on_write(parties, values)
        if {'crm_owner', 'crm_team'} & values.keys():
            previous = {
                p.id: (p.crm_owner, p.crm_team) for p in parties}

            def record():
                cls._crm_record_owner_changes(
                    cls.browse(list(previous)), previous)
            callbacks.append(record)
        return callbacks

    @classmethod
    def on_modification(cls, mode, parties, field_names=None):
        super().on_modification(mode, parties, field_names=field_names)
        if mode == 'create':
            cls._crm_record_owner_changes(
                parties, {p.id: (None, None) for p in parties})

    @classmethod
    def _crm_record_owner_changes(cls, parties, previous):
        pool = Pool()
        History = pool.get('crm.customer.owner_history')
        Date = pool.get('ir.date')
        today = Date.today()
        user = Transaction().user
        histories = []
        for party in parties:
            owner, team = previous[party.id]
            if (owner, team) == (party.crm_owner, party.crm_team):
                continue
            histories.append(History(
                    party=party,
                    date=today,
                    user=user,
                    previous_owner=owner,
                    new_owner=party.crm_owner,
                    previous_team=team,
                    new_team=party.crm_team))
        History.save(histories)

    @classmethod
    @ModelView.button
    def crm_claim(cls, parties):
        "Take customers of the public pool for the user's employee"
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        if not user.employee:
            raise ClaimError(
                gettext('crm_plus.msg_customer_claim_no_employee'))
        for party in parties:
            if party.crm_owner:
                raise ClaimError(gettext(
                        'crm_plus.msg_customer_claim_owned',
                        party=party.rec_name,
                        owner=party.crm_owner.rec_name))
        teams = user.employee.crm_teams
        values = {'crm_owner': user.employee.id}
        if len(teams) == 1:
            values['crm_team'] = teams[0].id
        cls.write(list(parties), values)

    # Lifecycle
    @classmethod
    @ModelView.button_action('crm_plus.wizard_customer_mark_lost')
    def crm_mark_lost(cls, parties):
        pass

    @classmethod
    def crm_set_lost(cls, parties, reason, date=None):
        if not date:
            date = Pool().get('ir.date').today()
        for party in parties:
            if not party.crm_kind:
                raise LifecycleError(gettext(
                        'crm_plus.msg_customer_not_crm',
                        party=party.rec_name))
        cls.write(list(parties), {
                'crm_lifecycle': 'lost',
                'crm_lost_reason': reason,
                'crm_lost_date': date,
                })

    @classmethod
    @ModelView.button
    def crm_reactivate(cls, parties):
        cls.write(list(parties), {
                'crm_lifecycle': 'active',
                'crm_lost_reason': None,
                'crm_lost_date': None,
                })

    @classmethod
    def crm_sales_confirmed(cls, parties):
        """Activate the potential and at risk customers who just bought,
        whatever the rights of the user confirming the sale"""
        to_activate = [
            p for p in parties
            if p.crm_kind
            and p.crm_lifecycle in {'potential', 'at_risk', None}]
        if to_activate:
            with without_check_access():
                cls.write(to_activate, {'crm_lifecycle': 'active'})

    @classmethod
    def _crm_last_activity_dates(cls, parties):
        """Return {party id: date} of the latest activity of the parties.

        The base activity is the latest confirmed sale; extend it (keeping
        the latest date) to take other activities into account."""
        pool = Pool()
        Sale = pool.get('sale.sale')
        sale = Sale.__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        ids = [p.id for p in parties]
        for sub_ids in (ids[i:i + 1000] for i in range(0, len(ids), 1000)):
            cursor.execute(*sale.select(
                    sale.party, Max(sale.sale_date),
                    where=sale.party.in_(sub_ids)
                    & sale.state.in_(SALE_DONE_STATES)
                    & (sale.sale_date != Null),
                    group_by=sale.party))
            for party_id, date in cursor:
                if isinstance(date, str):
                    date = dt.date.fromisoformat(date)
                result[party_id] = date
        return result

    @classmethod
    def crm_flag_inactive(cls, date=None):
        """Flag as at risk the active customers without activity for more
        than the configured number of days before date (default today)."""
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        days = Configuration(1).crm_inactivity_days
        if not days:
            return []
        limit = date - dt.timedelta(days=days)
        flagged = []
        for sub_ids in grouped_slice(search_ids(cls, [
                        ('crm_kind', '!=', None),
                        ('crm_lifecycle', '=', 'active'),
                        ]), WRITE_SLICE):
            parties = cls.browse(sub_ids)
            last_dates = cls._crm_last_activity_dates(parties)
            to_flag = []
            for party in parties:
                last = last_dates.get(party.id)
                if last is None:
                    last = party.create_date.date()
                if last < limit:
                    to_flag.append(party)
            if to_flag:
                cls.write(to_flag, {'crm_lifecycle': 'at_risk'})
            flagged.extend(to_flag)
        return flagged


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def confirm(cls, sales):
        pool = Pool()
        Party = pool.get('party.party')
        super().confirm(sales)
        Party.crm_sales_confirmed(list({s.party for s in sales}))


class Preference(
        TextInputMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'crm.customer.preference'
    __string__ = "Customer Need or Preference"
    party = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('special_need', "Special Need"),
            ('purchase', "Purchase Preference"),
            ('payment', "Payment"),
            ('delivery', "Delivery"),
            ('other', "Other"),
            ], "Kind", required=True, sort=False)
    description = fields.Text("Description", required=True)
    product_category = fields.Many2One(
        'product.category', "Product Category", ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('party')

    @classmethod
    def default_kind(cls):
        return 'purchase'


class OwnerHistory(TextInputMixin, ModelSQL, ModelView):
    __name__ = 'crm.customer.owner_history'
    __string__ = "Customer Owner History"
    party = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        readonly=True)
    date = fields.Date("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    previous_owner = fields.Many2One(
        'company.employee', "Previous Owner", readonly=True)
    new_owner = fields.Many2One(
        'company.employee', "New Owner", readonly=True)
    previous_team = fields.Many2One(
        'crm.team', "Previous Team", readonly=True)
    new_team = fields.Many2One('crm.team', "New Team", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Own record rules (security.xml), not the party's access: Tryton
        # gives a model the widest rights of its __access__ targets, which
        # made the history writable by whoever may write the customer
        cls._order = [('date', 'DESC'), ('id', 'DESC')]


class MarkLost(Wizard):
    __name__ = 'party.party.crm_mark_lost'
    __string__ = "Mark Customer Lost"
    start = StateView(
        'party.party.crm_mark_lost.start',
        'crm_plus.customer_mark_lost_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Mark Lost", 'lost', 'tryton-ok', default=True),
            ])
    lost = StateTransition()

    def default_start(self, fields):
        return {'date': Pool().get('ir.date').today()}

    def transition_lost(self):
        self.model.crm_set_lost(
            self.records, self.start.reason, self.start.date)
        return 'end'


class MarkLostStart(ModelView):
    __name__ = 'party.party.crm_mark_lost.start'
    __string__ = "Mark Customer Lost"
    reason = fields.Text(
        "Reason", required=True,
        help="Why the customer was lost.")
    date = fields.Date("Date", required=True)


class Replace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        return super().fields_to_replace() + [
            ('crm.customer.preference', 'party'),
            ('crm.customer.owner_history', 'party'),
            ]


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def to_erase(self, party_id):
        pool = Pool()
        Party = pool.get('party.party')
        Preference = pool.get('crm.customer.preference')
        return super().to_erase(party_id) + [
            (Party, [('id', '=', party_id)], True,
                ['crm_gender', 'crm_birthday', 'crm_website'],
                [None, None, None]),
            (Preference, [('party', '=', party_id)], True,
                ['description'], ['****']),
            ]


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('party.party|crm_flag_inactive', "Flag Inactive Customers"))
