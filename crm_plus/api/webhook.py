"""Signed webhooks of the CRM API.

A subscription (crm.webhook) of a user names events of EVENTS and a URL.
The changes that make an event, wherever they are made (web client,
JSON-RPC, API, cron), are seen by the model hooks of EventSource: for each
enabled subscription of the event whose owner may read the record (their
access rights and record rules), a delivery (crm.webhook.delivery) is
created in the transaction of the change, with the record as the API
returns it to that owner, and queued (ir.queue).  A rolled-back change
leaves neither.

The queue (trytond-worker, or the process itself after the commit when
``[queue] worker`` is off) POSTs the JSON body signed with the
subscription's secret: ``X-CRM-Signature: t=<unix time>,v1=<hex
HMAC-SHA256 of "<t>.<body>">``.  A failed attempt is retried as a new
delivery of the same event id after an exponential back-off (the retry
delay of the CRM configuration, doubled at each attempt) by a scheduled
queue task, and by the cron job "Send Due Webhook Deliveries" where no
worker runs; a subscription is disabled after the configured number of
consecutive failures and its owner notified.  An event delivered once is
never sent again.
"""
import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import weakref
from contextlib import ExitStack
from dataclasses import dataclass

from trytond.cache import Cache
import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import (
    Transaction, check_access, without_check_access)
from trytond.wizard import Button, StateTransition, StateView, Wizard

from ..text_input import TextInputMixin
from .resource import (
    Field, Resource, bad_request, created_updated, not_found, to_json)
from .resources import RESOURCES

SIGNATURE_HEADER = 'X-CRM-Signature'
USER_AGENT = 'CRM-Plus-Webhooks/1.0'
# The response text kept in the delivery log
KEEP_RESPONSE = 2000


def timeout():
    "Seconds an attempt waits for the receiver ([crm_api] webhook_timeout)"
    return config.getfloat('crm_api', 'webhook_timeout', default=10)


class Shipments(Resource):
    "Customer shipments, as webhook payloads only (no API routes)"
    name = 'shipments'
    model = 'stock.shipment.out'
    methods = set()
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True),
        Field('number', 'number', description="Number.", readonly=True),
        Field('reference', 'reference', description="Reference.",
            readonly=True),
        Field('customer_id', 'customer', 'integer', "The customer.",
            readonly=True),
        Field('state', 'state', description="State.", readonly=True),
        Field('planned_date', 'planned_date', 'date', "Planned date.",
            readonly=True),
        Field('effective_date', 'effective_date', 'date',
            "Effective date.", readonly=True),
        *created_updated(),
        ]


class Invoices(Resource):
    "Customer invoices, as webhook payloads only (no API routes)"
    name = 'invoices'
    model = 'account.invoice'
    methods = set()
    domain = [('type', '=', 'out')]
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True),
        Field('number', 'number', description="Number.", readonly=True),
        Field('reference', 'reference', description="Reference.",
            readonly=True),
        Field('customer_id', 'party', 'integer', "The customer.",
            readonly=True),
        Field('state', 'state', description="State.", readonly=True),
        Field('invoice_date', 'invoice_date', 'date', "Invoice date.",
            readonly=True),
        Field('currency', 'currency.code', description="ISO 4217 "
            "currency code.", readonly=True),
        Field('untaxed_amount', 'untaxed_amount', 'decimal',
            "Untaxed amount.", readonly=True),
        Field('tax_amount', 'tax_amount', 'decimal', "Tax amount.",
            readonly=True),
        Field('total_amount', 'total_amount', 'decimal', "Total amount.",
            readonly=True),
        Field('amount_to_pay', 'amount_to_pay', 'decimal',
            "Amount left to pay.", readonly=True),
        *created_updated(),
        ]


PAYLOAD_RESOURCES = {
    'shipments': Shipments(),
    'invoices': Invoices(),
    }


def payload_resource(name):
    return RESOURCES.get(name) or PAYLOAD_RESOURCES[name]


@dataclass(frozen=True)
class Event:
    """An event: the change of model that makes it (on 'create', or 'write'
    of field, to value when given; any write without field) and the
    resource of its payload.  merge: a later event of the same record in
    the same transaction refreshes the pending delivery instead of making
    another (a customer created then completed is one customer.created)."""
    name: str
    resource: str
    model: str
    on: str
    description: str
    field: str = None
    value: str = None
    merge: bool = False


# The events, in the order of the selection; lead.* will add rows
EVENTS = [
    Event('customer.created', 'customers', 'party.party', 'create',
        "A customer was created."),
    Event('customer.updated', 'customers', 'party.party', 'write',
        "A customer was changed.", merge=True),
    Event('opportunity.stage_changed', 'opportunities', 'sale.opportunity',
        'write', "A deal moved to another stage.", field='stage'),
    Event('opportunity.won', 'opportunities', 'sale.opportunity', 'write',
        "A deal was won.", field='state', value='won'),
    Event('opportunity.lost', 'opportunities', 'sale.opportunity', 'write',
        "A deal was lost.", field='state', value='lost'),
    Event('sale.quoted', 'sales', 'sale.sale', 'write',
        "A quotation was quoted (it can be sent).", field='state',
        value='quotation'),
    Event('sale.confirmed', 'sales', 'sale.sale', 'write',
        "A sale was confirmed.", field='state', value='confirmed'),
    Event('shipment.done', 'shipments', 'stock.shipment.out', 'write',
        "A customer shipment was done.", field='state', value='done'),
    Event('invoice.posted', 'invoices', 'account.invoice', 'write',
        "A customer invoice was posted.", field='state', value='posted'),
    Event('invoice.paid', 'invoices', 'account.invoice', 'write',
        "A customer invoice was paid.", field='state', value='paid'),
    Event('ticket.created', 'tickets', 'crm.ticket', 'create',
        "A service ticket was opened."),
    Event('ticket.state_changed', 'tickets', 'crm.ticket', 'write',
        "A ticket changed state (assigned, waiting, resolved...).",
        field='state'),
    Event('ticket.resolved', 'tickets', 'crm.ticket', 'write',
        "A ticket was resolved.", field='state', value='resolved'),
    ]
EVENT_NAMES = [e.name for e in EVENTS]


def event_selection():
    return [(e.name, e.name) for e in EVENTS]


def sign(secret, timestamp, body):
    "The v1 signature of the body (bytes) sent at timestamp (int)"
    return hmac.new(secret.encode(), str(timestamp).encode() + b'.' + body,
        hashlib.sha256).hexdigest()


def signature_header(secret, body, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f't={timestamp},v1={sign(secret, timestamp, body)}'


def as_user(user_id):
    """A context manager running as user_id with their preferences and
    access checks, as the API runs a key's requests"""
    transaction = Transaction()
    User = Pool().get('res.user')
    with transaction.set_user(user_id), transaction.reset_context():
        context = User.get_preferences(context_only=True)
    stack = ExitStack()
    stack.enter_context(transaction.set_user(user_id))
    stack.enter_context(transaction.set_context(context))
    stack.enter_context(check_access())
    return stack


def _scalar(value):
    return value.id if hasattr(value, 'id') else value


# Pending deliveries created by each transaction: {(webhook, model, record
# id): delivery id}, for the events that merge
_pending = weakref.WeakKeyDictionary()


class EventSource:
    "The model hooks emitting the events of EVENTS of the model"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if mode == 'create':
            events = _events(cls.__name__, 'create')
            if events:
                ids = [r.id for r in records]
                for event in events:
                    emit(event, ids)

    @classmethod
    def on_write(cls, records, values):
        callbacks = super().on_write(records, values)
        events = [e for e in _events(cls.__name__, 'write')
            if e.field is None or e.field in values]
        if not events:
            return callbacks
        previous = {r.id: {e.field: _scalar(getattr(r, e.field))
                for e in events if e.field} for r in records}

        def fire():
            for event in events:
                if event.field is None:
                    ids = list(previous)
                else:
                    ids = [r.id for r in cls.browse(list(previous))
                        if _scalar(getattr(r, event.field))
                        != previous[r.id][event.field]
                        and (event.value is None
                            or getattr(r, event.field) == event.value)]
                if ids:
                    emit(event, ids)
        callbacks.append(fire)
        return callbacks


def _events(model, on):
    "The events of model on create or write that have subscriptions"
    subscribed = Pool().get('crm.webhook').subscribed_events()
    return [e for e in EVENTS
        if e.model == model and e.on == on and e.name in subscribed]


def emit(event, ids):
    """Create and queue the deliveries of event for the records ids to the
    subscriptions whose owner may read them"""
    pool = Pool()
    Webhook = pool.get('crm.webhook')
    Delivery = pool.get('crm.webhook.delivery')
    transaction = Transaction()
    pending = _pending.setdefault(transaction, {})
    resource = payload_resource(event.resource)
    with without_check_access():
        webhooks = Webhook.search([
                ('enabled', '=', True),
                ('events', 'in', [event.name]),
                ('user.active', '=', True),
                ])
    now = dt.datetime.now()
    created, merged = [], []
    for webhook in webhooks:
        with as_user(webhook.user.id):
            records = resource.Model.search(
                [('id', 'in', ids)] + resource.search_domain())
            time_ = to_json(now, 'datetime')
            dumps = {r.id: resource.dump(r) for r in records}
        for id_, data in dumps.items():
            key = (webhook.id, resource.model, id_)
            if event.merge and key in pending:
                merged.append((pending[key], data))
                continue
            event_id = str(uuid.uuid4())
            payload = json.dumps({
                    'id': event_id,
                    'type': event.name,
                    'time': time_,
                    'resource': resource.name,
                    'data': data,
                    }, ensure_ascii=False, separators=(',', ':'))
            created.append({
                    'webhook': webhook.id,
                    'event': event.name,
                    'event_id': event_id,
                    'resource': resource.name,
                    'record_id': id_,
                    'payload': payload,
                    'attempt': 1,
                    'scheduled_at': now,
                    })
            pending.setdefault(key, None)
    with without_check_access():
        for delivery_id, data in merged:
            if delivery_id is None:
                continue
            delivery = Delivery(delivery_id)
            if delivery.state != 'pending':
                continue
            body = json.loads(delivery.payload)
            body['data'] = data
            Delivery.write([delivery], {'payload': json.dumps(
                        body, ensure_ascii=False, separators=(',', ':'))})
        deliveries = Delivery.create(created)
    for values, delivery in zip(created, deliveries):
        pending[values['webhook'], resource.model, values['record_id']] = (
            delivery.id)
    Delivery.enqueue(deliveries)


class Webhook(TextInputMixin, ModelSQL, ModelView):
    "Webhook"
    __string__ = "Webhook"
    __name__ = 'crm.webhook'
    _rec_name = 'name'
    _crm_text_sizes = {'url': 2000}
    name = fields.Char("Name", required=True)
    url = fields.Char("URL", required=True,
        help="The HTTPS (or HTTP) address the events are posted to.")
    events = fields.MultiSelection(
        'get_events', "Events", required=True, sort=False)
    user = fields.Many2One('res.user', "Owner", required=True,
        ondelete='CASCADE', states={'readonly': Eval('id', -1) >= 0},
        help="The events are sent with what this user may read.")
    enabled = fields.Boolean("Enabled",
        help="Disabled after too many consecutive failed deliveries.")
    secret = fields.Char("Secret", readonly=True, strip=False)
    failures = fields.Integer("Consecutive Failures", readonly=True)
    deliveries = fields.One2Many(
        'crm.webhook.delivery', 'webhook', "Deliveries", readonly=True,
        order=[('id', 'DESC')])
    _events_cache = Cache('crm.webhook.subscribed_events', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._buttons.update({
                'enable': {'invisible': Eval('enabled', False)},
                'disable': {'invisible': ~Eval('enabled', False)},
                })

    @classmethod
    def get_events(cls):
        return event_selection()

    @staticmethod
    def default_user():
        return Transaction().user or None

    @staticmethod
    def default_enabled():
        return True

    @staticmethod
    def default_failures():
        return 0

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['secret'] = 'whsec_' + secrets.token_urlsafe(32)
        if values.get('enabled'):
            values['failures'] = 0
        return values

    @classmethod
    def validate_fields(cls, webhooks, field_names):
        super().validate_fields(webhooks, field_names)
        if field_names and 'url' not in field_names:
            return
        for webhook in webhooks:
            url = urllib.parse.urlsplit(webhook.url or '')
            if url.scheme not in {'http', 'https'} or not url.hostname:
                raise ValidationError(gettext(
                        'crm_plus.msg_webhook_invalid_url', url=webhook.url))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._events_cache.clear()

    @classmethod
    def subscribed_events(cls):
        "The names of the events of the enabled subscriptions (cached)"
        names = cls._events_cache.get(None)
        if names is None:
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(
                    table.events, where=table.enabled == True))  # noqa: E712
            names = set()
            for value, in cursor:
                if isinstance(value, str):
                    value = json.loads(value)
                names.update(value or [])
            names = sorted(names)
            cls._events_cache.set(None, names)
        return set(names)

    @classmethod
    @ModelView.button
    def enable(cls, webhooks):
        cls.write(webhooks, {'enabled': True})

    @classmethod
    @ModelView.button
    def disable(cls, webhooks):
        cls.write(webhooks, {'enabled': False})

    @classmethod
    def record_result(cls, webhook, ok):
        """Count a consecutive failure (or reset the count on success);
        disable the subscription and notify its owner at the limit"""
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        if ok:
            cursor.execute(*table.update([table.failures], [0],
                    where=(table.id == webhook.id) & (table.failures != 0)))
            return
        cursor.execute(*table.update([table.failures], [table.failures + 1],
                where=table.id == webhook.id))
        cursor.execute(*table.select(table.failures, table.enabled,
                where=table.id == webhook.id))
        failures, enabled = cursor.fetchone()
        limit = Configuration(1).get_webhook_max_failures()
        if enabled and limit and failures >= limit:
            cls.write([cls(webhook.id)], {'enabled': False})
            cls.notify_disabled(cls(webhook.id), failures)

    @classmethod
    def notify_disabled(cls, webhook, failures):
        pool = Pool()
        Notification = pool.get('res.notification')
        ModelData = pool.get('ir.model.data')
        ActWindow = pool.get('ir.action.act_window')
        action = ActWindow(ModelData.get_id('crm_plus', 'act_webhook'))
        user = webhook.user
        with Transaction().set_context(language=user.language.code
                if user.language else None):
            label = gettext('crm_plus.msg_webhook_disabled',
                name=webhook.name)
            description = gettext('crm_plus.msg_webhook_disabled_description',
                count=failures, url=webhook.url)
        Notification(
            user=user, label=label, description=description,
            icon='tryton-warning', model=cls.__name__,
            records=json.dumps([webhook.id]),
            action=action.action.id).save()


class Delivery(ModelSQL, ModelView):
    "Webhook Delivery"
    __string__ = "Webhook Delivery"
    __name__ = 'crm.webhook.delivery'
    webhook = fields.Many2One('crm.webhook', "Webhook", required=True,
        ondelete='CASCADE', readonly=True)
    event = fields.Selection('get_events', "Event", readonly=True)
    event_id = fields.Char("Event ID", readonly=True)
    resource = fields.Char("Resource", readonly=True)
    record_id = fields.Integer("Record ID", readonly=True)
    payload = fields.Text("Payload", readonly=True)
    attempt = fields.Integer("Attempt", readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('sending', "Sending"),
            ('delivered', "Delivered"),
            ('failed', "Failed"),
            ('cancelled', "Cancelled"),
            ], "Status", readonly=True)
    scheduled_at = fields.DateTime("Scheduled At", readonly=True)
    sent_at = fields.DateTime("Sent At", readonly=True)
    response_code = fields.Integer("Response Code", readonly=True)
    duration = fields.Integer("Duration (ms)", readonly=True)
    error = fields.Text("Error", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('webhook')
        cls._order = [('id', 'DESC')]

    @classmethod
    def get_events(cls):
        return event_selection()

    @staticmethod
    def default_state():
        return 'pending'

    @classmethod
    def enqueue(cls, deliveries, delay=None):
        "Queue a task per delivery (as root, without the user's context)"
        transaction = Transaction()
        context = {}
        if delay:
            context['queue_scheduled_at'] = delay
        with transaction.set_user(0), transaction.reset_context(), \
                transaction.set_context(context):
            for delivery in deliveries:
                cls.__queue__.send([delivery])

    @classmethod
    def send_due(cls):
        "Queue the pending deliveries that are due (cron)"
        with without_check_access():
            due = cls.search([
                    ('state', '=', 'pending'),
                    ('scheduled_at', '<=', dt.datetime.now()),
                    ])
        cls.enqueue(due)

    @classmethod
    def send(cls, deliveries):
        "Send the due pending deliveries (queue task)"
        for delivery in deliveries:
            delivery._send()

    def _claim(self):
        "Whether this task took the delivery (pending and due) to send it"
        table = self.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.state], ['sending'],
                where=(table.id == self.id) & (table.state == 'pending')
                & (table.scheduled_at <= dt.datetime.now())))
        return cursor.rowcount == 1

    def _send(self):
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Webhook = pool.get('crm.webhook')
        if not self._claim():
            # sent, or not due: its scheduled task or the cron sends it
            return
        webhook = self.webhook
        if not webhook.enabled or self.search([
                    ('webhook', '=', webhook.id),
                    ('event_id', '=', self.event_id),
                    ('state', '=', 'delivered'),
                    ], limit=1):
            self.__class__.write([self], {'state': 'cancelled'})
            return
        body = self.payload.encode()
        request = urllib.request.Request(webhook.url, data=body, headers={
                'Content-Type': 'application/json; charset=utf-8',
                'User-Agent': USER_AGENT,
                'X-CRM-Event': self.event,
                'X-CRM-Event-Id': self.event_id,
                SIGNATURE_HEADER: signature_header(webhook.secret, body),
                }, method='POST')
        started = time.monotonic()
        code, error = None, None
        try:
            with urllib.request.urlopen(request, timeout=timeout()) as answer:
                code = answer.status
        except urllib.error.HTTPError as exception:
            code = exception.code
            error = exception.read(KEEP_RESPONSE).decode(errors='replace')
            exception.close()
        except (OSError, ValueError) as exception:
            error = str(exception) or exception.__class__.__name__
        ok = code is not None and 200 <= code < 300
        self.__class__.write([self], {
                'state': 'delivered' if ok else 'failed',
                'sent_at': dt.datetime.now(),
                'response_code': code,
                'duration': int((time.monotonic() - started) * 1000),
                'error': (error or None) if not ok else None,
                })
        Webhook.record_result(webhook, ok)
        configuration = Configuration(1)
        if (not ok and self.attempt < configuration.get_webhook_max_attempts()
                and Webhook(webhook.id).enabled):
            delay = dt.timedelta(seconds=(
                    configuration.get_webhook_retry_delay()
                    * 2 ** (self.attempt - 1)))
            retry, = self.__class__.create([{
                        'webhook': webhook.id,
                        'event': self.event,
                        'event_id': self.event_id,
                        'resource': self.resource,
                        'record_id': self.record_id,
                        'payload': self.payload,
                        'attempt': self.attempt + 1,
                        'scheduled_at': dt.datetime.now() + delay,
                        }])
            self.__class__.enqueue([retry], delay=delay)


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    webhook_max_failures = fields.Integer("Webhook Failures Before Disabling",
        domain=['OR', ('webhook_max_failures', '=', None),
            ('webhook_max_failures', '>', 0)],
        help="A webhook is disabled after this many consecutive failed "
        "deliveries (default 10).")
    webhook_max_attempts = fields.Integer("Webhook Attempts per Event",
        domain=['OR', ('webhook_max_attempts', '=', None),
            ('webhook_max_attempts', '>', 0)],
        help="Attempts to deliver an event before giving up (default 8).")
    webhook_retry_delay = fields.Integer("Webhook Retry Delay",
        domain=['OR', ('webhook_retry_delay', '=', None),
            ('webhook_retry_delay', '>=', 0)],
        help="Seconds before the first retry, doubled at each further "
        "attempt (default 60).")

    def get_webhook_max_failures(self):
        return self.webhook_max_failures or 10

    def get_webhook_max_attempts(self):
        return self.webhook_max_attempts or 8

    def get_webhook_retry_delay(self):
        if self.webhook_retry_delay is None:
            return 60
        return self.webhook_retry_delay


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(('crm.webhook.delivery|send_due',
                "Send Due Webhook Deliveries"))


# The models whose changes make events
class Party(EventSource, metaclass=PoolMeta):
    __name__ = 'party.party'


class Opportunity(EventSource, metaclass=PoolMeta):
    __name__ = 'sale.opportunity'


class Sale(EventSource, metaclass=PoolMeta):
    __name__ = 'sale.sale'


class ShipmentOut(EventSource, metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'


class Ticket(EventSource, metaclass=PoolMeta):
    __name__ = 'crm.ticket'


class Invoice(EventSource, metaclass=PoolMeta):
    __name__ = 'account.invoice'


# Web client: create a subscription and see its secret once
class CreateStart(ModelView):
    "Create Webhook"
    __string__ = "Create Webhook"
    __name__ = 'crm.webhook.create.start'
    name = fields.Char("Name", required=True)
    url = fields.Char("URL", required=True)
    events = fields.MultiSelection('get_events', "Events", required=True,
        sort=False)

    @classmethod
    def get_events(cls):
        return event_selection()


class CreateDone(ModelView):
    "Webhook Created"
    __string__ = "Webhook Created"
    __name__ = 'crm.webhook.create.done'
    secret = fields.Char("Secret", readonly=True,
        help="Copy the secret now: it is not shown again.")


class Create(Wizard):
    "Create Webhook"
    __name__ = 'crm.webhook.create'
    start = StateView('crm.webhook.create.start',
        'crm_plus.webhook_create_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateTransition()
    done = StateView('crm.webhook.create.done',
        'crm_plus.webhook_create_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_create_(self):
        Webhook = Pool().get('crm.webhook')
        webhook, = Webhook.create([{
                    'name': self.start.name,
                    'url': self.start.url,
                    'events': self.start.events,
                    }])
        self.secret = secret_of(webhook)
        return 'done'

    def default_done(self, fields):
        return {'secret': self.secret}


def secret_of(webhook):
    "The secret of a webhook just created by the user (refused to read)"
    with without_check_access():
        return Pool().get('crm.webhook')(webhook.id).secret


# API -------------------------------------------------------------------------
def _valid_events(value):
    unknown = [v for v in value if v not in EVENT_NAMES]
    if unknown or not value:
        raise bad_request('validation_error', 'msg_webhook_invalid_events',
            status=422, events=', '.join(unknown), known=', '.join(
                EVENT_NAMES))
    return value


class Webhooks(Resource):
    name = 'webhooks'
    model = 'crm.webhook'
    description = ("Subscriptions of the key's user to events, posted "
        "signed to a URL.")
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        Field('name', 'name', description="Name.", required=True,
            filter=True, sort=True, max_length=200, nullable=False),
        Field('url', 'url', description="HTTPS or HTTP URL the events are "
            "posted to.", required=True, max_length=2000, nullable=False),
        Field('events', None, 'array', "Subscribed events: "
            + ', '.join(EVENT_NAMES) + ".", required=True, nullable=False,
            reads=('events',), getter=lambda r: list(r.events or []),
            setter=lambda values, value, record=None: values.update(
                events=value), validator=_valid_events),
        Field('enabled', 'enabled', 'boolean', "Whether events are sent "
            "(false after too many consecutive failures; true again "
            "resets the count).", filter=True, nullable=False),
        Field('failures', 'failures', 'integer', "Consecutive failed "
            "deliveries.", readonly=True),
        Field('owner_id', 'user', 'integer', "User id of the owner.",
            readonly=True, filter=True),
        *created_updated(),
        ]


def _payload(record):
    try:
        return json.loads(record.payload) if record.payload else None
    except ValueError:
        return None


class Deliveries(Resource):
    name = 'deliveries'
    model = 'crm.webhook.delivery'
    description = "Delivery attempts of a webhook, latest first."
    methods = {'list'}
    order = ['-id']
    fields = [
        Field('id', 'id', 'integer', "Identifier.", readonly=True,
            sort=True),
        Field('event_id', 'event_id', description="Event id (the same "
            "for the attempts of an event).", readonly=True, filter=True),
        Field('event', 'event', description="Event type.", readonly=True,
            filter=True),
        Field('attempt', 'attempt', 'integer', "Attempt number (1 for the "
            "first).", readonly=True),
        Field('state', 'state', 'enum', "Status.", readonly=True,
            filter=True, enum=('pending', 'sending', 'delivered', 'failed',
                'cancelled')),
        Field('response_code', 'response_code', 'integer', "HTTP status "
            "of the answer.", readonly=True),
        Field('duration_ms', 'duration', 'integer', "Duration of the "
            "attempt in milliseconds.", readonly=True),
        Field('error', 'error', 'text', "Error or answer of a failed "
            "attempt.", readonly=True),
        Field('scheduled_at', 'scheduled_at', 'datetime', "When the "
            "attempt is due.", readonly=True),
        Field('sent_at', 'sent_at', 'datetime', "When it was sent.",
            readonly=True),
        Field('payload', None, 'object', "The body sent.", readonly=True,
            reads=('payload',), getter=_payload),
        *created_updated(),
        ]


WEBHOOKS = Webhooks()


def route(request, parts, body):
    "The /webhooks routes (see openapi_paths)"
    from . import routes
    method = request.method
    if not parts:
        if method in {'GET', 'HEAD'}:
            return routes.list_records(request, WEBHOOKS)
        if method == 'POST':
            return _create(request, body)
        raise _not_allowed(['GET', 'POST'])
    try:
        id_ = int(parts[0])
    except ValueError:
        raise not_found()
    if len(parts) == 1:
        if method in {'GET', 'HEAD'}:
            return routes.read_record(request, WEBHOOKS, id_)
        if method == 'PATCH':
            return routes.update_record(request, WEBHOOKS, id_, body)
        if method == 'DELETE':
            return routes.delete_record(request, WEBHOOKS, id_)
        raise _not_allowed(['GET', 'PATCH', 'DELETE'])
    if len(parts) == 2 and parts[1] == 'deliveries':
        if method not in {'GET', 'HEAD'}:
            raise _not_allowed(['GET'])
        webhook = WEBHOOKS.get(id_)
        deliveries = Deliveries()
        deliveries.domain = [('webhook', '=', webhook.id)]
        return routes.list_records(request, deliveries)
    raise not_found()


def _not_allowed(allowed):
    error = bad_request('method_not_allowed', 'msg_api_method_not_allowed',
        status=405)
    error.headers['Allow'] = ', '.join(allowed)
    return error


def _create(request, body):
    from . import routes
    if body is None:
        raise bad_request('invalid_body', 'msg_api_invalid_body')
    record = WEBHOOKS.create(body)
    record = WEBHOOKS.Model(record.id)
    data = WEBHOOKS.dump(record)
    data['secret'] = secret_of(record)
    location = f'{request.base_url.rstrip("/")}/{record.id}'
    response = routes.json_response(data, 201, {'Location': location})
    response.headers['ETag'] = WEBHOOKS.etag(record)
    return response


def openapi_paths():
    from .openapi import ID_PARAMETER, READ_ERRORS, WRITE_ERRORS, _responses
    tag = ['webhooks']
    ref = {'$ref': '#/components/schemas/Webhook'}
    record = {'description': "The subscription.",
        'content': {'application/json': {'schema': ref}}}
    return {
        '/webhooks': {
            'get': {
                'tags': tag, 'operationId': 'list_webhooks',
                'summary': "List the subscriptions of the key's user",
                'parameters': [
                    {'name': 'page', 'in': 'query',
                        'schema': {'type': 'integer', 'minimum': 1}},
                    {'name': 'page_size', 'in': 'query',
                        'schema': {'type': 'integer', 'minimum': 1}}],
                'responses': _responses(READ_ERRORS, {'200': {
                            'description': "A page of subscriptions.",
                            'content': {'application/json': {'schema': {
                                        '$ref': '#/components/schemas/'
                                        'WebhookPage'}}}}}),
                },
            'post': {
                'tags': tag, 'operationId': 'create_webhook',
                'summary': "Subscribe a URL to events; the answer holds "
                "the signing secret, shown only once",
                'requestBody': {'required': True, 'content': {
                        'application/json': {'schema': {
                                '$ref': '#/components/schemas/'
                                'WebhookCreate'}}}},
                'responses': _responses(WRITE_ERRORS, {'201': {
                            'description': "Created.",
                            'content': {'application/json': {'schema': {
                                        '$ref': '#/components/schemas/'
                                        'WebhookCreated'}}}}}),
                },
            },
        '/webhooks/{id}': {
            'parameters': [ID_PARAMETER],
            'get': {
                'tags': tag, 'operationId': 'read_webhook',
                'summary': "Read a subscription",
                'responses': _responses(READ_ERRORS, {'200': record}),
                },
            'patch': {
                'tags': tag, 'operationId': 'update_webhook',
                'summary': "Change a subscription (enabled: true re-enables "
                "it and resets its failure count)",
                'requestBody': {'required': True, 'content': {
                        'application/json': {'schema': {
                                '$ref': '#/components/schemas/'
                                'WebhookUpdate'}}}},
                'responses': _responses(WRITE_ERRORS, {'200': record}),
                },
            'delete': {
                'tags': tag, 'operationId': 'delete_webhook',
                'summary': "Delete a subscription and its deliveries",
                'responses': _responses(WRITE_ERRORS,
                    {'204': {'description': "Deleted."}}),
                },
            },
        '/webhooks/{id}/deliveries': {
            'parameters': [ID_PARAMETER],
            'get': {
                'tags': tag, 'operationId': 'list_webhook_deliveries',
                'summary': "The delivery attempts of a subscription, "
                "latest first",
                'parameters': [
                    {'name': 'page', 'in': 'query',
                        'schema': {'type': 'integer', 'minimum': 1}},
                    {'name': 'page_size', 'in': 'query',
                        'schema': {'type': 'integer', 'minimum': 1}},
                    {'name': 'state', 'in': 'query', 'schema': {
                            'type': 'string', 'enum': list(
                                Deliveries().by_name['state'].enum)}},
                    {'name': 'event_id', 'in': 'query',
                        'schema': {'type': 'string'}}],
                'responses': _responses(READ_ERRORS, {'200': {
                            'description': "A page of deliveries.",
                            'content': {'application/json': {'schema': {
                                        '$ref': '#/components/schemas/'
                                        'WebhookDeliveryPage'}}}}}),
                },
            },
        }


def _page(ref):
    return {
        'type': 'object',
        'required': ['data', 'page', 'page_size', 'total', 'next'],
        'properties': {
            'data': {'type': 'array', 'items': {'$ref': ref}},
            'page': {'type': 'integer'},
            'page_size': {'type': 'integer'},
            'total': {'type': 'integer'},
            'next': {'type': ['string', 'null']},
            }}


def openapi_schemas():
    from .openapi import _input_schema, _record_schema
    webhook = _record_schema(WEBHOOKS)
    create = _input_schema(WEBHOOKS, True)
    update = _input_schema(WEBHOOKS, False)
    for schema in [webhook, create, update]:
        schema['properties']['events']['items'] = {
            'type': 'string', 'enum': EVENT_NAMES}
    created = {'allOf': [{'$ref': '#/components/schemas/Webhook'}, {
                'type': 'object', 'required': ['secret'],
                'properties': {'secret': {'type': 'string',
                        'description': "Signing secret: HMAC-SHA256 of "
                        "'<t>.<body>' with it is the v1 of the "
                        f"{SIGNATURE_HEADER} header. Shown only once."}}}]}
    delivery = _record_schema(Deliveries())
    return {
        'Webhook': webhook,
        'WebhookCreate': create,
        'WebhookUpdate': update,
        'WebhookCreated': created,
        'WebhookPage': _page('#/components/schemas/Webhook'),
        'WebhookDelivery': delivery,
        'WebhookDeliveryPage': _page('#/components/schemas/WebhookDelivery'),
        'WebhookEvent': {
            'type': 'object',
            'description': "The body of a webhook POST, signed in the "
            f"{SIGNATURE_HEADER} header (t=<unix time>,v1=<hex>).",
            'required': ['id', 'type', 'time', 'resource', 'data'],
            'properties': {
                'id': {'type': 'string', 'format': 'uuid',
                    'description': "Event id, the same on every attempt."},
                'type': {'type': 'string', 'enum': EVENT_NAMES},
                'time': {'type': 'string', 'format': 'date-time'},
                'resource': {'type': 'string'},
                'data': {'type': 'object', 'description': "The record as "
                    "the API returns it to the subscription's owner."},
                }},
        }
