"""The resources of the CRM API, by name (see resource.py)."""
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from ..customer.normalize import (
    InvalidValue, normalize_code, normalize_uscc, parse_phone, validate_email)
from .resource import (
    Action, ApiError, Field, Resource, bad_request, created_updated,
    not_found)

RESOURCES = {}


def register(cls):
    RESOURCES[cls.name] = cls()
    return cls


def _invalid(message_id, value):
    return ApiError(422, 'validation_error', gettext(
            f'crm_plus.{message_id}', value=value))


def valid_uscc(value):
    try:
        return normalize_uscc(value)
    except InvalidValue:
        raise _invalid('msg_customer_import_invalid_uscc', value)


def valid_id_number(value):
    try:
        return normalize_code('cn_ric', value)
    except InvalidValue:
        raise _invalid('msg_api_invalid_id_number', value)


def valid_phone(value):
    if not parse_phone(value):
        raise _invalid('msg_customer_import_invalid_phone', value)
    return value


def valid_email(value):
    try:
        return validate_email(value)
    except InvalidValue:
        raise _invalid('msg_customer_import_invalid_email', value)


def _mechanism_setter(type_):
    "Set the first contact mechanism of type_ of a customer"
    def setter(values, value, record=None):
        existing = [m for m in (record.contact_mechanisms if record else [])
            if m.type == type_]
        if existing and value:
            action = ('write', [existing[0].id], {'value': value})
        elif existing:
            action = ('delete', [existing[0].id])
        elif value:
            action = ('create', [{'type': type_, 'value': value}])
        else:
            return
        values.setdefault('contact_mechanisms', []).append(action)
    return setter


def _first_address(row):
    "The formatted first address of a party read with its full addresses"
    addresses = row['addresses.']
    return addresses[0]['full_address'] if addresses else None


def _enum(name, source, values, description, **kwargs):
    return Field(name, source, 'enum', description, enum=tuple(values),
        **kwargs)


@register
class Customers(Resource):
    name = 'customers'
    model = 'party.party'
    description = ("Enterprise and individual customers (客户). A "
        "representative's key lists the customers they own and the public "
        "pool.")
    domain = [('crm_kind', '!=', None)]
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        _enum('kind', 'crm_kind', ['enterprise', 'individual'],
            "Enterprise (企业) or individual (个人).", required=True,
            filter=True, nullable=False),
        Field('name', 'name', description="Name.", required=True,
            filter=True, sort=True, max_length=500, nullable=False),
        Field('code', 'code', description="Customer code (set by the "
            "sequence when empty).", filter=True, sort=True,
            max_length=100),
        Field('uscc', 'crm_uscc', description="Unified social credit code "
            "(统一社会信用代码) of an enterprise, 18 characters.",
            filter=True, validator=valid_uscc, max_length=40),
        Field('industry_id', 'crm_industry', 'integer', "Industry id.",
            filter=True),
        Field('industry', 'crm_industry.rec_name', description="Industry "
            "name.", readonly=True),
        _enum('size', 'crm_headcount', ['1-10', '11-50', '51-200',
                '201-500', '501-1000', '1000+'], "Number of employees.",
            filter=True),
        _enum('revenue', 'crm_revenue', ['lt1m', '1m-10m', '10m-50m',
                '50m-100m', '100m-1b', 'gt1b'], "Annual revenue (CNY).",
            filter=True),
        Field('website', 'crm_website', description="Website.",
            max_length=500),
        _enum('gender', 'crm_gender', ['female', 'male'],
            "Gender of an individual.", filter=True),
        Field('birthday', 'crm_birthday', 'date', "Birthday of an "
            "individual (managers only).", filter=True),
        Field('age', 'crm_age', 'integer', "Age of an individual "
            "(managers only).", readonly=True),
        Field('id_number', 'crm_id_number', description="Resident identity "
            "card number of an individual (managers only).",
            validator=valid_id_number, max_length=40),
        _enum('lifecycle', 'crm_lifecycle', ['potential', 'active',
                'at_risk', 'lost'], "Lifecycle status, moved by sales and "
            "inactivity.", readonly=True, filter=True, sort=True),
        Field('source_id', 'crm_source', 'integer', "Source id.",
            filter=True),
        Field('source', 'crm_source.rec_name', description="Source name.",
            readonly=True),
        Field('level_id', 'crm_level', 'integer', "Level id.", filter=True),
        Field('level', 'crm_level.rec_name', description="Level name.",
            readonly=True),
        Field('tags', 'categories', 'array', "Tag names.", readonly=True),
        Field('owner_id', 'crm_owner', 'integer', "Employee id of the "
            "owner (empty: the public pool).", filter=True),
        Field('owner', 'crm_owner.rec_name', description="Owner name.",
            readonly=True),
        Field('team_id', 'crm_team', 'integer', "Sales team id.",
            filter=True),
        Field('team', 'crm_team.rec_name', description="Sales team name.",
            readonly=True),
        Field('phone', 'phone', description="Main phone.",
            setter=_mechanism_setter('phone'), validator=valid_phone,
            reads=('contact_mechanisms',), max_length=100),
        Field('mobile', 'mobile', description="Main mobile phone.",
            setter=_mechanism_setter('mobile'), validator=valid_phone,
            reads=('contact_mechanisms',), max_length=100),
        Field('email', 'email', description="Main e-mail address.",
            setter=_mechanism_setter('email'), validator=valid_email,
            reads=('contact_mechanisms',), max_length=320),
        Field('address', None, description="First address, formatted.",
            readonly=True, row_getter=_first_address, reads=('addresses',),
            loads=('addresses.full_address',)),
        *created_updated(),
        ]

    def _party_action(button):
        def action(record, body):
            getattr(Pool().get('party.party'), button)([record])
        return action

    # Fast read path (see rows.py) ---------------------------------------
    # the Many2One fields answered with their rec_name
    RELATED = {'crm_industry', 'crm_source', 'crm_level', 'crm_owner',
        'crm_team'}
    MECHANISMS = {'phone', 'mobile', 'email'}
    IDENTIFIERS = {'crm_uscc': 'cn_vat', 'crm_id_number': 'cn_ric'}
    # the context keys the formatting of an address reads
    ADDRESS_CONTEXT = ['language', 'company', 'address_from_country',
        'address_with_party', 'address_attention_party',
        'fuzzy_translation']

    def read_visible(self, id_, fields):
        "The record id_ filtered by the rule-applied search, in one query"
        if not isinstance(id_, int) or not 0 < id_ < 2 ** 31:
            raise not_found()
        visible = self.Model.search(
            [('id', '=', id_)] + self.search_domain(), query=True)
        rows = self.read_rows([id_], fields,
            where=lambda table: table.id.in_(visible))
        if id_ not in rows:
            raise not_found()
        return self.output(rows[id_], None, fields)

    def read_rows(self, ids, fields, where=None):
        """{id: row} as Model.read answers it, in one query per table: the
        parties, their contact mechanisms, identifiers, tags, first
        addresses and the names of the related records"""
        from . import rows as sql
        pool = Pool()
        Party = self.Model
        names = set()
        for field in fields:
            names.update(field.read_names(Party))
        stored = {n for n in names if '.' not in n
            and Party._fields[n].sql_type() and n != 'id'}
        related = {n.split('.')[0] for n in names
            if n.split('.')[0] in self.RELATED}
        if 'crm_age' in names:
            stored.add('crm_birthday')
        rows = sql.select_columns(Party, ids,
            stored | related | {'create_date', 'write_date'}, where=where)
        ids = list(rows)
        if not ids:
            return rows
        names_of = sql.rec_names_many({
                Party._fields[n].model_name: [r[n] for r in rows.values()]
                for n in related})
        for name in related:
            targets = names_of[Party._fields[name].model_name]
            for row in rows.values():
                row[name + '.'] = ({'id': row[name],
                        'rec_name': targets[row[name]]}
                    if row[name] is not None else None)
        if 'crm_age' in names:
            from ..customer.party import age_at
            today = pool.get('ir.date').today()
            for row in rows.values():
                row['crm_age'] = age_at(row['crm_birthday'], today)
        if self.MECHANISMS & names:
            self._read_mechanisms(rows, self.MECHANISMS & names)
        if self.IDENTIFIERS.keys() & names:
            self._read_identifiers(rows, self.IDENTIFIERS.keys() & names)
        if 'categories.rec_name' in names:
            self._read_categories(rows)
        if 'addresses.full_address' in names:
            self._read_addresses(rows)
        return rows

    def _read_mechanisms(self, rows, types):
        "The first active contact mechanism of each type, '' without"
        from . import rows as sql
        if Transaction().context.get('party_contact_mechanism_usage'):
            # the mechanism of a usage: as Party.read finds it
            with without_check_access():
                for read in self.Model.read(list(rows), list(types)):
                    rows[read['id']].update(
                        {t: read[t] for t in types})
            return
        Mechanism = Pool().get('party.contact_mechanism')
        children = sql.by_parent(sql.select_children(Mechanism, 'party',
                list(rows), ['type', 'value', 'sequence'],
                where=lambda table: table.type.in_(list(types))))
        for id_, row in rows.items():
            for type_ in types:
                row[type_] = next((m['value'] for m in children.get(id_, [])
                        if m['type'] == type_), '')

    def _read_identifiers(self, rows, names):
        """The code of the first active identifier of each type (as
        get_crm_identifier: the last of sequence DESC NULLS FIRST, id DESC)"""
        from . import rows as sql
        Identifier = Pool().get('party.identifier')
        types = {self.IDENTIFIERS[n]: n for n in names}
        for row in rows.values():
            row.update(dict.fromkeys(names))
        children = sql.select_children(Identifier, 'party', list(rows),
            ['type', 'code', 'sequence'],
            where=lambda table: table.type.in_(list(types)))
        children.sort(key=lambda c: (
                c[1]['sequence'] is not None, -(c[1]['sequence'] or 0),
                -c[1]['id']))
        for party, identifier in children:
            rows[party][types[identifier['type']]] = identifier['code']

    def _read_categories(self, rows):
        "The tags with their rec_name, in the order of Party.read"
        from . import rows as sql
        Party = self.Model
        field = Party._fields['categories']
        with without_check_access():
            values = field.get(sorted(rows), Party, 'categories')
        names = sql.tag_names(list({c for v in values.values() for c in v}))
        for party, categories in values.items():
            rows[party]['categories.'] = [
                {'id': c, 'rec_name': names[c]} for c in categories]

    def _read_addresses(self, rows):
        """The first active address formatted as seen from the country of
        the company (as address_get finds it)"""
        from . import rows as sql
        pool = Pool()
        Address = pool.get('party.address')
        Country = pool.get('country.country')
        context = Transaction().context
        addresses = sql.by_parent(sql.select_children(Address, 'party',
                list(rows), ['sequence', 'write_date', 'create_date']))
        first = {p: a[0] for p, a in addresses.items()}
        for row in rows.values():
            row['addresses.'] = []
        if not first:
            return
        overrides = {}
        company_id = context.get('company')
        if 'address_from_country' not in context and company_id:
            own = sorted(sql.company_addresses(company_id),
                key=sql.sequence_key)
            overrides['address_from_country'] = (
                Country(own[0]['country'])
                if own and own[0]['country'] is not None else None)
        # in a context of the keys the formatting reads only: trytond's
        # caches of address formats and records are keyed by the context,
        # the whole preferences context makes each look-up slow
        kept = {k: context[k] for k in self.ADDRESS_CONTEXT if k in context}
        kept.update(overrides)
        transaction = Transaction()
        with transaction.reset_context(), transaction.set_context(kept), \
                without_check_access():
            formatted = Address.crm_full_addresses({
                    a['id']: a['write_date'] or a['create_date']
                    for a in first.values()})
        for party, address in first.items():
            rows[party]['addresses.'] = [{'id': address['id'],
                    'full_address': formatted[address['id']]}]

    actions = [
        Action('claim', _party_action('crm_claim'),
            "Take a customer of the public pool."),
        Action('reactivate', _party_action('crm_reactivate'),
            "Reactivate an at-risk or lost customer."),
        ]


@register
class Contacts(Resource):
    name = 'contacts'
    model = 'crm.contact'
    description = "Persons of enterprise customers (联系人)."
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        Field('customer_id', 'enterprise', 'integer', "The enterprise "
            "customer.", required=True, filter=True, reference='customers',
            nullable=False),
        Field('name', 'person_name', description="Name of the person.",
            required=True, filter=True, max_length=500, nullable=False,
            search='person.name'),
        Field('position', 'position', description="Job title.",
            filter=True, max_length=200),
        Field('department', 'department', description="Department.",
            filter=True, max_length=200),
        Field('phone', 'phone', description="Work phone.",
            validator=valid_phone, max_length=100),
        Field('email', 'email', description="Work e-mail.",
            validator=valid_email, max_length=320),
        _enum('decision_role', 'decision_role', ['decision_maker',
                'influencer', 'user', 'gatekeeper', 'other'],
            "Role in buying decisions.", filter=True),
        Field('birthday', 'birthday', 'date', "Birthday (managers only)."),
        Field('primary', 'primary', 'boolean', "Main contact of the "
            "enterprise.", filter=True),
        Field('notes', 'notes', 'text', "Notes.", max_length=100_000),
        *created_updated(),
        ]


def _non_negative(value):
    if value < 0:
        raise ValueError(value)
    return value


@register
class Interactions(Resource):
    name = 'interactions'
    model = 'crm.interaction'
    description = ("Calls, e-mails, meetings, visits, messages and notes "
        "logged with a customer (跟进记录).")
    order = ['-date', 'id']
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        Field('customer_id', 'party', 'integer', "The customer.",
            required=True, filter=True, reference='customers',
            nullable=False),
        _enum('type', 'type', ['call', 'email', 'meeting', 'visit',
                'message', 'note'], "Kind of interaction.", required=True,
            filter=True, nullable=False),
        Field('date', 'date', 'datetime', "When it happened.",
            filter=True, sort=True, nullable=False),
        _enum('direction', 'direction', ['inbound', 'outbound',
                'internal'], "Direction.", filter=True, nullable=False),
        Field('duration', None, 'integer', "Duration in seconds.",
            reads=('duration',), getter=lambda r: r.duration,
            validator=_non_negative,
            setter=lambda values, value, record=None: values.update(
                duration=_seconds(value))),
        Field('subject', 'subject', description="Subject.", required=True,
            filter=True, max_length=500, nullable=False),
        Field('summary', 'summary', 'text', "Summary.", max_length=100_000),
        _enum('outcome', 'outcome', ['positive', 'neutral', 'negative',
                'no_answer'], "Outcome.", filter=True),
        Field('next_step', 'next_step', description="Next step.",
            max_length=500),
        Field('follow_up_date', 'follow_up_date', 'date', "Date of the "
            "follow-up to create."),
        Field('follow_up_user_id', 'follow_up_user', 'integer',
            "User responsible for the follow-up."),
        Field('user_id', 'user', 'integer', "User who logged it.",
            readonly=True, filter=True),
        *created_updated(),
        ]


def _seconds(value):
    import datetime as dt
    if value is None:
        return None
    return dt.timedelta(seconds=value)


def _button(model, name):
    def action(record, body):
        getattr(Pool().get(model), name)([record])
    return action


@register
class FollowUps(Resource):
    name = 'follow-ups'
    model = 'crm.follow_up'
    description = "Follow-ups due by a user (待办跟进)."
    order = ['due_date', 'id']
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        Field('customer_id', 'party', 'integer', "The customer.",
            required=True, filter=True, reference='customers',
            nullable=False),
        Field('interaction_id', 'interaction', 'integer', "The interaction "
            "it follows.", filter=True, reference='interactions'),
        Field('description', 'description', description="What to do.",
            required=True, max_length=500, nullable=False),
        Field('due_date', 'due_date', 'date', "Due date.", required=True,
            filter=True, sort=True, nullable=False),
        Field('user_id', 'user', 'integer', "Responsible user.",
            filter=True, nullable=False),
        _enum('state', 'state', ['open', 'done', 'cancelled'], "State.",
            readonly=True, filter=True),
        Field('overdue', 'overdue', 'boolean', "Open and past due.",
            readonly=True, filter=True),
        Field('done_at', 'done_date', 'datetime', "When it was done.",
            readonly=True),
        *created_updated(),
        ]
    actions = [
        Action('done', _button('crm.follow_up', 'done'), "Mark done."),
        Action('cancel', _button('crm.follow_up', 'cancel'), "Cancel."),
        Action('reopen', _button('crm.follow_up', 'reopen'), "Reopen."),
        ]


def _move(record, body):
    pool = Pool()
    Opportunity = pool.get('sale.opportunity')
    stage = body.get('stage_id')
    if (not isinstance(stage, int) or isinstance(stage, bool)
            or stage not in {s.id for s in record.pipeline.stages}):
        raise bad_request('validation_error', 'msg_api_validation', [{
                    'field': 'stage_id', 'reason': gettext(
                        'crm_plus.msg_api_invalid_stage')}], status=422)
    Opportunity.write([record], {'stage': stage})


def _lost(record, body):
    pool = Pool()
    Opportunity = pool.get('sale.opportunity')
    values = {}
    reason = body.get('lost_reason_id')
    if reason is not None:
        if not isinstance(reason, int) or isinstance(reason, bool):
            raise bad_request('validation_error', 'msg_api_validation', [{
                        'field': 'lost_reason_id', 'reason': gettext(
                            'crm_plus.msg_api_invalid_value',
                            type='integer')}], status=422)
        Reason = pool.get(
            Opportunity.lost_reason_category.model_name)
        if not (0 < reason < 2 ** 31
                and Reason.search([('id', '=', reason)], count=True)):
            raise bad_request('validation_error', 'msg_api_validation', [{
                        'field': 'lost_reason_id', 'reason': gettext(
                            'crm_plus.msg_api_not_found')}], status=422)
        values['lost_reason_category'] = reason
    if body.get('reason') is not None:
        try:
            values['lost_reason'] = Field('reason', type='text').input(
                body['reason'])
        except ValueError:
            raise bad_request('validation_error', 'msg_api_validation', [{
                        'field': 'reason', 'reason': gettext(
                            'crm_plus.msg_api_invalid_value',
                            type='string')}], status=422)
    if values:
        Opportunity.write([record], values)
    Opportunity.lost([record])


@register
class Opportunities(Resource):
    name = 'opportunities'
    model = 'sale.opportunity'
    description = "Deals in a pipeline (商机)."
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        Field('number', 'number', description="Number.", readonly=True,
            filter=True, sort=True),
        Field('title', 'description', description="Title.", filter=True,
            max_length=500),
        Field('customer_id', 'party', 'integer', "The customer.",
            required=True, filter=True, reference='customers',
            nullable=False),
        Field('owner_id', 'employee', 'integer', "Employee id of the "
            "salesman.", filter=True),
        Field('owner', 'employee.rec_name', description="Salesman name.",
            readonly=True),
        Field('pipeline_id', 'pipeline', 'integer', "Pipeline id.",
            filter=True),
        Field('stage_id', 'stage', 'integer', "Stage id (change it with "
            "the move action).", readonly=True, filter=True),
        Field('stage', 'stage.rec_name', description="Stage name.",
            readonly=True),
        _enum('state', 'state', ['lead', 'opportunity', 'converted', 'won',
                'cancelled', 'lost'], "State.", readonly=True, filter=True,
            sort=True),
        Field('amount', 'amount', 'decimal', "Estimated revenue, a decimal "
            "string in the currency.", filter=True, sort=True),
        Field('currency', 'currency.code', description="ISO 4217 currency "
            "code.", readonly=True),
        Field('probability', 'conversion_probability', 'number',
            "Conversion probability (0-1).", readonly=True),
        Field('start_date', 'start_date', 'date', "Start date.",
            filter=True, sort=True, nullable=False),
        Field('end_date', 'end_date', 'date', "Expected closing date.",
            filter=True, sort=True),
        Field('lost_reason_id', 'lost_reason_category', 'integer',
            "Lost reason id.", readonly=True, filter=True),
        Field('competitor', 'competitor', description="Competitor it was "
            "lost to.", max_length=500),
        Field('comment', 'comment', 'text', "Comment.", max_length=100_000),
        *created_updated(),
        ]
    actions = [
        Action('next-stage', _button('sale.opportunity', 'crm_next_stage'),
            "Move to the next open stage of the pipeline.",
            event='opportunity.stage_changed'),
        Action('move', _move, "Move to a stage of the pipeline (a won or "
            "lost stage closes the deal).",
            body=[Field('stage_id', type='integer', required=True,
                    description="Stage id.")],
            event='opportunity.stage_changed'),
        Action('lost', _lost, "Mark the deal lost.",
            body=[Field('lost_reason_id', type='integer',
                    description="Lost reason id."),
                Field('reason', description="Reason text.")],
            event='opportunity.lost'),
        Action('convert', _button('sale.opportunity', 'convert'),
            "Convert into a quotation (draft sale)."),
        ]


def _lines(sale):
    return [{
            'product_id': line.product.id if line.product else None,
            'description': line.description,
            'quantity': line.quantity,
            'unit': line.unit.rec_name if line.unit else None,
            'unit_price': str(line.unit_price)
            if line.unit_price is not None else None,
            'amount': str(line.amount) if line.amount is not None else None,
            } for line in sale.lines if line.type == 'line']


LINE_SCHEMA = {
    'type': 'array', 'maxItems': 200,
    'items': {
        'type': 'object',
        'required': ['product_id', 'quantity'],
        'properties': {
            'product_id': {'type': 'integer', 'description': "Product id."},
            'quantity': {'type': 'number', 'exclusiveMinimum': 0},
            'unit_price': {'type': 'string', 'format': 'decimal',
                'description': "Unit price (the list price when empty)."},
            'description': {'type': ['string', 'null'],
                'maxLength': 1000},
            'unit': {'type': ['string', 'null'], 'readOnly': True},
            'amount': {'type': ['string', 'null'], 'readOnly': True},
            },
        },
    }


@register
class Sales(Resource):
    name = 'sales'
    model = 'sale.sale'
    description = ("Quotations (报价单) and sales orders (销售订单): create "
        "a quotation, then quote and confirm it through actions.")
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        Field('number', 'number', description="Number.", readonly=True,
            filter=True, sort=True),
        Field('reference', 'reference', description="Customer reference.",
            filter=True, max_length=200),
        Field('description', 'description', description="Description.",
            max_length=500),
        Field('customer_id', 'party', 'integer', "The customer.",
            required=True, filter=True, reference='customers',
            nullable=False),
        _enum('state', 'state', ['draft', 'quotation', 'confirmed',
                'processing', 'done', 'cancelled'], "State.",
            readonly=True, filter=True, sort=True),
        Field('sale_date', 'sale_date', 'date', "Sale date.", filter=True,
            sort=True),
        Field('quotation_date', 'quotation_date', 'date', "Quotation date.",
            readonly=True),
        Field('currency', 'currency.code', description="ISO 4217 currency "
            "code.", readonly=True),
        Field('untaxed_amount', 'untaxed_amount', 'decimal',
            "Untaxed amount.", readonly=True),
        Field('tax_amount', 'tax_amount', 'decimal', "Tax amount.",
            readonly=True),
        Field('total_amount', 'total_amount', 'decimal', "Total amount.",
            readonly=True),
        Field('lines', None, 'lines', "Product lines.", getter=_lines,
            reads=('lines',)),
        *created_updated(),
        ]
    actions = [
        Action('quote', _button('sale.sale', 'quote'),
            "Quote the draft (the quotation can be sent).",
            event='sale.quoted'),
        Action('confirm', _button('sale.sale', 'confirm'),
            "Confirm a quotation.", event='sale.confirmed'),
        Action('cancel', _button('sale.sale', 'cancel'), "Cancel."),
        Action('draft', _button('sale.sale', 'draft'),
            "Back to draft."),
        ]

    def _build_lines(self, sale, value):
        pool = Pool()
        Line = pool.get('sale.line')
        Product = pool.get('product.product')
        details, lines = [], []
        if (not isinstance(value, list) or len(value) > 200
                or not all(isinstance(i, dict) for i in value)):
            raise bad_request('validation_error', 'msg_api_validation', [{
                        'field': 'lines', 'reason': gettext(
                            'crm_plus.msg_api_invalid_value',
                            type='array')}], status=422)
        for index, item in enumerate(value):
            product_id = item.get('product_id')
            quantity = item.get('quantity')
            products = (Product.search([('id', '=', product_id),
                        ('salable', '=', True)])
                if isinstance(product_id, int)
                and not isinstance(product_id, bool)
                and 0 < product_id < 2 ** 31 else [])
            if not products:
                details.append({'field': f'lines[{index}].product_id',
                        'reason': gettext('crm_plus.msg_api_not_found')})
                continue
            if (not isinstance(quantity, (int, float))
                    or isinstance(quantity, bool)
                    or not 0 < quantity < 10 ** 9):
                details.append({'field': f'lines[{index}].quantity',
                        'reason': gettext('crm_plus.msg_api_invalid_value',
                            type='number')})
                continue
            line = Line(sale=sale, type='line', product=products[0],
                quantity=float(quantity))
            line.on_change_product()
            if item.get('unit_price') is not None:
                try:
                    line.unit_price = Field('unit_price', type='decimal'
                        ).input(item['unit_price'])
                except ValueError:
                    details.append({'field': f'lines[{index}].unit_price',
                            'reason': gettext(
                                'crm_plus.msg_api_invalid_value',
                                type='decimal')})
                    continue
            if item.get('description') is not None:
                try:
                    line.description = Field('description', max_length=1000
                        ).input(item['description'])
                except ValueError:
                    details.append({'field': f'lines[{index}].description',
                            'reason': gettext(
                                'crm_plus.msg_api_invalid_value',
                                type='string')})
                    continue
            lines.append(line)
        if details:
            raise bad_request('validation_error', 'msg_api_validation',
                details, status=422)
        return lines

    def _split(self, body):
        if not isinstance(body, dict):
            raise bad_request('invalid_body', 'msg_api_invalid_body')
        body = dict(body)
        return body, body.pop('lines', None)

    def create(self, body):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')
        body, lines = self._split(body)
        values, _ = self.values(body, create=True)
        if not Party.search([('id', '=', values['party'])]):
            raise bad_request('validation_error', 'msg_api_validation', [{
                        'field': 'customer_id', 'reason': gettext(
                            'crm_plus.msg_api_not_found')}], status=422)
        sale = Sale(**{k: v for k, v in values.items() if k != 'party'})
        sale.party = Party(values['party'])
        sale.on_change_party()
        sale.lines = self._build_lines(sale, lines or [])
        # save() skips the access checks: create does them
        sale, = Sale.create([sale._save_values()])
        return sale

    def update(self, record, body):
        body, lines = self._split(body)
        record = super().update(record, body)
        if lines is not None:
            Line = Pool().get('sale.line')
            Line.delete([line for line in record.lines])
            sale = self.Model(record.id)
            sale.lines = self._build_lines(sale, lines)
            # save() skips the access checks: write does them
            self.Model.write([sale], sale._save_values())
        return self.Model(record.id)

    def values(self, body, create):
        body = {k: v for k, v in body.items() if k != 'lines'}
        return super().values(body, create)


def _company_currency(record):
    company = Transaction().context.get('company')
    if company:
        return Pool().get('company.company')(company).currency.code


@register
class Products(Resource):
    name = 'products'
    model = 'product.product'
    description = "Salable products (产品), read only."
    methods = {'list', 'read'}
    order = ['code', 'id']
    domain = [('salable', '=', True)]
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        Field('code', 'code', description="Code.", readonly=True,
            filter=True, sort=True),
        Field('name', 'name', description="Name.", readonly=True,
            filter=True, sort=True),
        Field('description', 'description', 'text', "Description.",
            readonly=True),
        # the variant's list price or else its template's
        Field('list_price', 'list_price_used', 'decimal', "List price, a "
            "decimal string in the currency.", readonly=True),
        Field('currency', None, description="ISO 4217 currency code of "
            "the list price (the company's).", readonly=True, reads=(),
            getter=_company_currency),
        Field('unit', 'sale_uom.rec_name', description="Sale unit.",
            readonly=True),
        Field('category', 'account_category.rec_name',
            description="Category.", readonly=True),
        *created_updated(),
        ]


def _segment_members(record):
    "The ids of the members of a segment the user may read"
    Party = Pool().get('party.party')
    return [p.id for p in Party.search(
            record.member_domain(), order=[('id', 'ASC')])]


@register
class Segments(Resource):
    name = 'segments'
    model = 'crm.segment'
    description = ("Dynamic customer segments (客户分群), read only: their "
        "members are the customers matching their criteria now, among "
        "those the key's user may read.")
    methods = {'list', 'read'}
    order = ['name', 'id']
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        Field('name', 'name', description="Name.", readonly=True,
            filter=True, sort=True),
        Field('description', 'description', 'text', "Description.",
            readonly=True),
        _enum('match', 'operator', ['and', 'or'], "How the criteria "
            "combine: all (and) or any (or).", readonly=True),
        Field('member_count', None, 'integer', "Number of members.",
            readonly=True, reads=('criteria',),
            getter=lambda r: r.member_count),
        Field('member_ids', None, 'array', "Customer ids of the members "
            "(see customers).", readonly=True, reads=('criteria',),
            getter=_segment_members, items='integer'),
        *created_updated(),
        ]


def resource(name):
    if name not in RESOURCES:
        raise not_found()
    return RESOURCES[name]


def _resolve(record, body):
    Ticket = Pool().get('crm.ticket')
    if body.get('resolution') is not None:
        try:
            resolution = Field('resolution', type='text').input(
                body['resolution'])
        except ValueError:
            raise bad_request('validation_error', 'msg_api_validation', [{
                        'field': 'resolution', 'reason': gettext(
                            'crm_plus.msg_api_invalid_value',
                            type='string')}], status=422)
        Ticket.write([record], {'resolution': resolution})
    Ticket.resolve([record])


def _reply(record, body):
    Message = Pool().get('crm.ticket.message')
    details = []
    text = body.get('body')
    if not isinstance(text, str) or not text.strip():
        details.append({'field': 'body', 'reason': gettext(
                    'crm_plus.msg_api_invalid_value', type='string')})
    kind = body.get('kind', 'reply')
    if kind not in {'reply', 'note'}:
        details.append({'field': 'kind', 'reason': gettext(
                    'crm_plus.msg_api_invalid_value', type='reply, note')})
    if details:
        raise bad_request(
            'validation_error', 'msg_api_validation', details, status=422)
    Message.create([{'ticket': record.id, 'kind': kind, 'body': text}])


@register
class Tickets(Resource):
    name = 'tickets'
    model = 'crm.ticket'
    description = ("Service requests of customers (服务工单), from their "
        "arrival to their resolution.")
    methods = {'list', 'read', 'create', 'update'}
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        Field('number', 'number', description="Ticket number.",
            readonly=True, filter=True, sort=True),
        Field('customer_id', 'party', 'integer', "The customer.",
            required=True, filter=True, reference='customers',
            nullable=False),
        Field('contact_id', 'contact', 'integer', "The contact person.",
            reference='contacts'),
        Field('email', 'email', description="Where notices are sent.",
            validator=valid_email, max_length=320),
        Field('phone', 'phone', description="Phone of the requester.",
            validator=valid_phone, max_length=50),
        _enum('channel', 'channel', ['phone', 'email', 'web', 'visit',
                'message', 'api'], "How the request came (default api).",
            filter=True, nullable=False),
        Field('type_id', 'type', 'integer', "Ticket type (default the "
            "first one).", filter=True, nullable=False),
        _enum('priority', 'priority', ['low', 'normal', 'high', 'urgent'],
            "Priority.", filter=True, sort=True, nullable=False),
        Field('subject', 'subject', description="Subject.", required=True,
            filter=True, max_length=500, nullable=False),
        Field('description', 'description', 'text', "The request.",
            max_length=100_000),
        Field('product_id', 'product', 'integer', "The product concerned.",
            filter=True, reference='products'),
        Field('sale_id', 'sale', 'integer', "The sale concerned.",
            reference='sales'),
        Field('team_id', 'team', 'integer', "The service team.",
            filter=True),
        Field('assignee_id', 'assignee', 'integer', "The agent "
            "(employee) in charge.", filter=True),
        _enum('state', 'state', ['new', 'assigned', 'in_progress',
                'waiting', 'resolved', 'closed', 'cancelled'], "State.",
            readonly=True, filter=True),
        Field('resolution', 'resolution', 'text', "What was done.",
            max_length=100_000),
        Field('first_response_at', 'first_response_date', 'datetime',
            "When the first public reply was made.", readonly=True),
        Field('first_response_due', 'first_response_due', 'datetime',
            "When the first reply is due.", readonly=True, filter=True),
        Field('resolution_due', 'resolution_due', 'datetime',
            "When the resolution is due.", readonly=True, filter=True,
            sort=True),
        Field('resolved_at', 'resolved_date', 'datetime',
            "When it was resolved.", readonly=True, filter=True),
        *created_updated(),
        ]
    actions = [
        Action('assign', _button('crm.ticket', 'assign'),
            "Mark assigned (the assignee must be set)."),
        Action('start', _button('crm.ticket', 'start'), "Start the work."),
        Action('wait', _button('crm.ticket', 'wait'),
            "Wait on the customer (pauses the service level clock)."),
        Action('resume', _button('crm.ticket', 'resume'),
            "Resume the work."),
        Action('resolve', _resolve, "Resolve with a resolution note.",
            body=[Field('resolution', type='text',
                    description="Resolution note (required unless the "
                    "ticket has one).")]),
        Action('close', _button('crm.ticket', 'close'),
            "Close a resolved ticket."),
        Action('reopen', _button('crm.ticket', 'reopen'),
            "Reopen a resolved ticket."),
        Action('cancel', _button('crm.ticket', 'cancel'), "Cancel."),
        Action('reply', _reply, "Add a public reply (e-mailed to the "
            "customer) or an internal note.",
            body=[Field('body', type='text', required=True,
                    description="The message."),
                _enum('kind', None, ['reply', 'note'],
                    "reply (default) or note.")]),
        ]

    def create(self, body):
        values, setters = self.values(body, create=True)
        values.setdefault('channel', 'api')
        for setter, value in setters:
            setter(values, value)
        record, = self.Model.create([values])
        return record


def _convert_lead(record, body):
    pool = Pool()
    Lead = pool.get('crm.lead')
    Party = pool.get('party.party')
    customer = body.get('customer_id')
    party = None
    if customer is not None:
        if (not isinstance(customer, int) or isinstance(customer, bool)
                or not Party.search([
                        ('id', '=', customer), ('crm_kind', '!=', None)])):
            raise bad_request('validation_error', 'msg_api_validation', [{
                        'field': 'customer_id', 'reason': gettext(
                            'crm_plus.msg_api_invalid_value',
                            type='integer')}], status=422)
        party = Party(customer)
    Lead.convert_leads([record], party=party)


@register
class Leads(Resource):
    name = 'leads'
    model = 'crm.lead'
    description = ("Prospects (销售线索) from forms, imports, mail and "
        "integrations, qualified and converted into customers.")
    methods = {'list', 'read', 'create', 'update'}
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        Field('name', 'name', description="Contact name.", required=True,
            filter=True, sort=True, max_length=255, nullable=False),
        Field('organization', 'organization', description="Organization.",
            filter=True, max_length=255),
        Field('title', 'title', description="Job title.", max_length=255),
        Field('phone', 'phone', description="Phone.", filter=True,
            validator=valid_phone, max_length=50),
        Field('email', 'email', description="E-mail address.",
            filter=True, validator=valid_email, max_length=320),
        Field('uscc', 'uscc', description="Unified social credit code.",
            validator=valid_uscc, max_length=18),
        Field('province_id', 'subdivision', 'integer', "Province "
            "(country subdivision id).", filter=True),
        Field('industry_id', 'industry', 'integer', "Industry id.",
            filter=True),
        Field('source_id', 'source', 'integer', "Source id.", filter=True),
        Field('campaign_id', 'campaign', 'integer', "Campaign id.",
            filter=True),
        Field('utm_source', 'utm_source', description="UTM source.",
            max_length=255),
        Field('utm_medium', 'utm_medium', description="UTM medium.",
            max_length=255),
        Field('utm_campaign', 'utm_campaign', description="UTM campaign.",
            max_length=255),
        Field('utm_content', 'utm_content', description="UTM content.",
            max_length=255),
        Field('utm_term', 'utm_term', description="UTM term.",
            max_length=255),
        Field('description', 'description', 'text', "Description.",
            max_length=100_000),
        Field('owner_id', 'owner', 'integer', "The sales representative "
            "(employee).", filter=True),
        _enum('state', 'state', ['new', 'working', 'qualified',
                'converted', 'disqualified'], "State.", readonly=True,
            filter=True, sort=True),
        Field('customer_id', 'party', 'integer', "The customer it became.",
            readonly=True, filter=True, reference='customers'),
        Field('contact_id', 'contact', 'integer', "The contact person it "
            "became.", readonly=True, reference='contacts'),
        Field('opportunity_id', 'opportunity', 'integer', "The "
            "opportunity it became.", readonly=True,
            reference='opportunities'),
        *created_updated(),
        ]
    actions = [
        Action('qualify', _button('crm.lead', 'qualify'),
            "Qualify (a lead without a representative gets one by the "
            "assignment rules)."),
        Action('convert', _convert_lead, "Convert a qualified lead into "
            "customer, contact and opportunity.",
            body=[Field('customer_id', type='integer', description="Link "
                    "this existing customer instead of creating one.")]),
        ]


@register
class Campaigns(Resource):
    name = 'campaigns'
    model = 'crm.campaign'
    description = ("Marketing campaigns (营销活动) by e-mail or SMS; their "
        "audience and waves are set in the CRM.")
    methods = {'list', 'read', 'create'}
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        Field('name', 'name', description="Name.", required=True,
            filter=True, sort=True, max_length=500, nullable=False),
        _enum('channel', 'channel', ['email', 'sms'], "Channel (default "
            "email).", filter=True, nullable=False),
        Field('objective', 'objective', 'text', "Objective.",
            max_length=10_000),
        Field('owner_id', 'owner', 'integer', "The owner (employee).",
            filter=True),
        Field('budget', 'budget', 'decimal', "Budget, a decimal string.",
            nullable=True),
        Field('cost', 'cost', 'decimal', "Actual cost, a decimal string.",
            nullable=True),
        Field('target_leads', 'target_leads', 'integer',
            "Target number of leads."),
        _enum('state', 'state', ['draft', 'scheduled', 'running', 'done',
                'cancelled'], "State.", readonly=True, filter=True),
        *created_updated(),
        ]
    actions = [
        Action('schedule', _button('crm.campaign', 'schedule'),
            "Schedule (the waves start when due)."),
        Action('cancel', _button('crm.campaign', 'cancel'), "Cancel."),
        ]
