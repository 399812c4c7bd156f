"""Service levels in business hours: working calendars with their special
days, service level policies, the due times of tickets, the pause while a
ticket waits on the customer and the escalation of the tickets about to
breach or breached.

`BusinessHours` computes without database; the models feed it."""
import datetime as dt
import json
from collections import defaultdict
from zoneinfo import ZoneInfo

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields,
    sequence_ordered)
from trytond.model.exceptions import ValidationError
from trytond.modules.company.company import TIMEZONES
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from ..text_input import TextInputMixin
from .ticket import OPEN_STATES

UTC = dt.timezone.utc
WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]


class BusinessHours:
    """The working time of a calendar: weekly hours, special days and a
    time zone; datetimes in and out are naive UTC, as Tryton stores them.

    weekly maps a weekday (0 = Monday) to (start, end) times; special maps
    a date to its own (start, end) times, an empty list for a holiday."""

    def __init__(self, weekly, special=None, tz='UTC'):
        self.weekly = {int(d): list(r) for d, r in weekly.items()}
        self.special = dict(special or {})
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self._last_special = max(self.special, default=None)
        self._weekly_hours = any(
            s < e for r in self.weekly.values() for s, e in r)

    def _utc(self, date, time):
        local = dt.datetime.combine(date, time, self.tz)
        return local.astimezone(UTC).replace(tzinfo=None)

    def _local_date(self, value):
        return value.replace(tzinfo=UTC).astimezone(self.tz).date()

    def ranges(self, date):
        "The working ranges of the local date, merged, in naive UTC"
        times = self.special.get(date)
        if times is None:
            times = self.weekly.get(date.weekday(), [])
        merged = []
        for start, end in sorted((s, e) for s, e in times if s < e):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return [(self._utc(date, s), self._utc(date, e)) for s, e in merged]

    def _dates(self, start):
        "The local dates from the one of start on, while some can work"
        date = self._local_date(start)
        while self._weekly_hours or (
                self._last_special and date <= self._last_special):
            yield date
            date += dt.timedelta(days=1)

    def add(self, start, minutes):
        """The naive UTC datetime when minutes business minutes after
        start have passed; None when the calendar never works"""
        remaining = dt.timedelta(minutes=minutes)
        for date in self._dates(start):
            for begin, end in self.ranges(date):
                if end <= start:
                    continue
                begin = max(begin, start)
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
        return None

    def elapsed(self, start, end):
        """The business minutes (integer, rounded towards zero) from start
        to end, negative when end is before start"""
        if end < start:
            return -self.elapsed(end, start)
        last = self._local_date(end)
        total = dt.timedelta()
        for date in self._dates(start):
            if date > last:
                break
            for begin, finish in self.ranges(date):
                begin, finish = max(begin, start), min(finish, end)
                if begin < finish:
                    total += finish - begin
        return int(total.total_seconds() // 60)


def format_minutes(minutes):
    "The business minutes as a translated duration: 3 小时 20 分"
    if minutes < 0:
        hours, rest = divmod(-minutes, 60)
        return gettext(
            'crm_plus.msg_sla_overdue', hours=hours, minutes=rest)
    hours, rest = divmod(minutes, 60)
    return gettext('crm_plus.msg_sla_remaining', hours=hours, minutes=rest)


class Calendar(TextInputMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'crm.service.calendar'
    __string__ = "Working Calendar"
    name = fields.Char("Name", required=True, translate=True)
    timezone = fields.Selection(
        TIMEZONES, "Time Zone", required=True, translate=False)
    lines = fields.One2Many(
        'crm.service.calendar.line', 'calendar', "Weekly Hours")
    days = fields.One2Many(
        'crm.service.calendar.day', 'calendar', "Special Days",
        help="Public holidays and make-up working days (调休).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def default_timezone(cls):
        Company = Pool().get('company.company')
        company_id = Transaction().context.get('company')
        if company_id is not None and company_id >= 0:
            timezone = Company(company_id).timezone
            if timezone:
                return timezone
        return 'Asia/Shanghai'

    def business_hours(self):
        "The BusinessHours of the calendar"
        weekly = defaultdict(list)
        for line in self.lines:
            weekly[int(line.weekday)].append((line.start_time, line.end_time))
        special = {}
        for day in self.days:
            special[day.date] = day.working_times(weekly)
        return BusinessHours(weekly, special, self.timezone)


class CalendarLine(ModelSQL, ModelView):
    __name__ = 'crm.service.calendar.line'
    __string__ = "Working Calendar Hours"
    calendar = fields.Many2One(
        'crm.service.calendar', "Calendar", required=True,
        ondelete='CASCADE')
    weekday = fields.Selection(WEEKDAYS, "Weekday", required=True, sort=False)
    start_time = fields.Time("Start", required=True)
    end_time = fields.Time("End", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('calendar')
        cls._order = [
            ('calendar', 'ASC'), ('weekday', 'ASC'), ('start_time', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        for line in lines:
            if line.start_time >= line.end_time:
                raise ValidationError(gettext(
                        'crm_plus.msg_sla_calendar_times',
                        calendar=line.calendar.rec_name))


class CalendarDay(TextInputMixin, ModelSQL, ModelView):
    __name__ = 'crm.service.calendar.day'
    __string__ = "Working Calendar Special Day"
    calendar = fields.Many2One(
        'crm.service.calendar', "Calendar", required=True,
        ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    name = fields.Char("Name", help="国庆节, 调休...")
    kind = fields.Selection([
            ('holiday', "Holiday"),
            ('working', "Working Day"),
            ], "Kind", required=True,
        help="A holiday has no working hours; a make-up working day "
        "works the hours of a weekday or its own.")
    weekday = fields.Selection(
        [(None, "")] + WEEKDAYS, "Hours of", sort=False,
        states={
            'invisible': Eval('kind') != 'working',
            },
        help="The make-up day works the hours of this weekday.")
    start_time = fields.Time(
        "Start",
        states={
            'invisible': (Eval('kind') != 'working') | Eval('weekday'),
            'required': (Eval('kind') == 'working') & ~Eval('weekday'),
            })
    end_time = fields.Time(
        "End",
        states={
            'invisible': (Eval('kind') != 'working') | Eval('weekday'),
            'required': (Eval('kind') == 'working') & ~Eval('weekday'),
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('calendar')
        t = cls.__table__()
        cls._sql_constraints.append(
            ('calendar_date_unique', Unique(t, t.calendar, t.date),
                'crm_plus.msg_sla_calendar_day_unique'))
        cls._order = [('calendar', 'ASC'), ('date', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_kind():
        return 'holiday'

    def working_times(self, weekly):
        "The (start, end) times the day works, given the weekly hours"
        if self.kind == 'holiday':
            return []
        if self.weekday:
            return list(weekly.get(int(self.weekday), []))
        return [(self.start_time, self.end_time)]

    @classmethod
    def validate_fields(cls, days, field_names):
        super().validate_fields(days, field_names)
        for day in days:
            if (day.kind == 'working' and not day.weekday
                    and day.start_time >= day.end_time):
                raise ValidationError(gettext(
                        'crm_plus.msg_sla_calendar_times',
                        calendar=day.calendar.rec_name))


class Policy(TextInputMixin, DeactivableMixin, sequence_ordered(),
        ModelSQL, ModelView):
    __name__ = 'crm.sla.policy'
    __string__ = "Service Level Policy"
    name = fields.Char("Name", required=True, translate=True)
    priority = fields.Selection([
            (None, ""),
            ('low', "Low"),
            ('normal', "Normal"),
            ('high', "High"),
            ('urgent', "Urgent"),
            ], "Priority", sort=False,
        help="Empty for tickets of any priority.")
    level = fields.Many2One(
        'crm.customer.level', "Customer Level", ondelete='RESTRICT',
        help="Empty for customers of any level; a policy for the "
        "customer's level is preferred to one for any level.")
    calendar = fields.Many2One(
        'crm.service.calendar', "Calendar", required=True,
        ondelete='RESTRICT')
    first_response_hours = fields.Float(
        "First Response Hours", digits=(16, 2), required=True,
        domain=[('first_response_hours', '>=', 0)],
        help="In business hours of the calendar.")
    resolution_hours = fields.Float(
        "Resolution Hours", digits=(16, 2), required=True,
        domain=[('resolution_hours', '>=', 0)],
        help="In business hours of the calendar.")

    def match(self, ticket):
        "Whether the policy applies to the ticket"
        if self.priority and self.priority != ticket.priority:
            return False
        level = ticket.party.crm_level if ticket.party else None
        if self.level and self.level != level:
            return False
        return True

    @classmethod
    def find(cls, ticket, policies=None):
        """The policy of the ticket: the first matching one by sequence,
        one for the customer's level before one for any level"""
        if policies is None:
            policies = cls.search([])
        matching = [p for p in policies if p.match(ticket)]
        # sort is stable: the sequence order stays among equals
        matching.sort(key=lambda p: p.level is None)
        return matching[0] if matching else None


class SlaEvent(ModelSQL, ModelView):
    __name__ = 'crm.ticket.sla_event'
    __string__ = "Ticket Service Level Event"
    ticket = fields.Many2One(
        'crm.ticket', "Ticket", required=True, ondelete='CASCADE',
        readonly=True)
    kind = fields.Selection([
            ('first_response', "First Response"),
            ('resolution', "Resolution"),
            ], "Target", required=True, readonly=True)
    stage = fields.Selection([
            ('warning', "Warning"),
            ('breach', "Breach"),
            ], "Stage", required=True, readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    due = fields.DateTime("Due", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints.append(
            ('ticket_kind_stage_unique', Unique(t, t.ticket, t.kind, t.stage),
                'crm_plus.msg_sla_event_unique'))
        cls._sql_indexes.add(Index(t, (t.ticket, Index.Equality())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]


class Ticket(metaclass=PoolMeta):
    __name__ = 'crm.ticket'
    sla_policy = fields.Many2One(
        'crm.sla.policy', "Service Level", readonly=True,
        ondelete='RESTRICT')
    sla_start = fields.DateTime(
        "Service Level Start", readonly=True,
        help="When the service level clocks started.")
    sla_paused_minutes = fields.Integer(
        "Paused Minutes", readonly=True,
        help="The business minutes spent waiting on the customer, "
        "which push the resolution due time.")
    sla_paused_since = fields.DateTime("Paused Since", readonly=True)
    sla_remaining_minutes = fields.Function(
        fields.Integer("Business Minutes Left",
            help="To the next due time; negative when overdue."),
        'get_sla_remaining')
    sla_remaining = fields.Function(
        fields.Char("Time Left",
            help="In business hours, to the first response while it is "
            "due, then to the resolution."),
        'get_sla_remaining')
    sla_status = fields.Function(fields.Selection([
                (None, ""),
                ('ok', "On Time"),
                ('warning', "Due Soon"),
                ('breached', "Overdue"),
                ('paused', "Paused"),
                ], "Service Level Status"), 'get_sla_remaining')
    sla_events = fields.One2Many(
        'crm.ticket.sla_event', 'ticket', "Service Level Events",
        readonly=True)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree/field[@name="sla_remaining"]', 'visual',
                If(Eval('sla_status') == 'breached', 'danger',
                    If(Eval('sla_status') == 'warning', 'warning', '')),
                ['sla_status']),
            ]

    @staticmethod
    def default_sla_paused_minutes():
        return 0

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        for name in ['sla_start', 'sla_paused_since', 'sla_events']:
            default.setdefault(name)
        default.setdefault('sla_paused_minutes', 0)
        return super().copy(tickets, default=default)

    def sla_clock(self, now, calendars=None):
        """The (kind, due, business minutes left) of the running clock at
        now, or None: the first response while unanswered, else the
        resolution of an open ticket; the minutes of a waiting ticket are
        those left when it started waiting.  calendars caches the business
        hours by calendar."""
        if (not self.sla_policy or self.state not in OPEN_STATES
                or not self.sla_start):
            return None
        calendar = self.sla_policy.calendar
        if calendars is None:
            calendars = {}
        if calendar.id not in calendars:
            calendars[calendar.id] = calendar.business_hours()
        hours = calendars[calendar.id]
        at = now
        if self.state == 'waiting' and self.sla_paused_since:
            at = min(now, self.sla_paused_since)
        if not self.first_response_date and self.first_response_due:
            return ('first_response', self.first_response_due,
                hours.elapsed(now, self.first_response_due))
        if self.resolution_due:
            return ('resolution', self.resolution_due,
                hours.elapsed(at, self.resolution_due))
        return None

    @classmethod
    def get_sla_remaining(cls, tickets, names):
        Configuration = Pool().get('crm.configuration')
        warning = Configuration(1).get_sla_warning_minutes()
        now = cls._now()
        result = {n: {} for n in names}
        calendars = {}
        for ticket in tickets:
            clock = ticket.sla_clock(now, calendars)
            minutes = clock[2] if clock else None
            if clock is None:
                status = None
            elif (ticket.state == 'waiting'
                    and clock[0] == 'resolution'):
                status = 'paused'
            elif now >= clock[1]:
                status = 'breached'
            elif minutes <= warning:
                status = 'warning'
            else:
                status = 'ok'
            for name, value in [
                    ('sla_remaining_minutes', minutes),
                    ('sla_remaining', format_minutes(minutes)
                        if minutes is not None else None),
                    ('sla_status', status),
                    ]:
                if name in result:
                    result[name][ticket.id] = value
        return result

    @classmethod
    def create(cls, vlist):
        now = cls._now()
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if not values.get('sla_start'):
                values['sla_start'] = now
        tickets = super().create(vlist)
        cls._sla_compute(tickets)
        return tickets

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        previous = {}
        recompute = set()
        for records, values in zip(actions, actions):
            if 'state' in values:
                for ticket in records:
                    previous.setdefault(ticket.id, ticket.state)
            if values.keys() & {'priority', 'party'}:
                recompute.update(map(int, records))
            if values.keys() & {'first_response_date', 'resolved_date'}:
                recompute.update(map(int, records))
        super().write(*args)
        if previous:
            cls._sla_pause(previous)
        if recompute:
            cls._sla_compute(cls.browse(list(recompute)))

    @classmethod
    def _sla_pause(cls, previous):
        """Start the pause of the tickets (ids) that went waiting, end it
        for those that left waiting, from their previous state"""
        now = cls._now()
        to_write = []
        resumed = []
        for ticket in cls.browse(list(previous)):
            before = previous[ticket.id]
            if ticket.state == 'waiting' and before != 'waiting':
                to_write.extend(([ticket], {'sla_paused_since': now}))
            elif before == 'waiting' and ticket.state != 'waiting':
                minutes = 0
                if ticket.sla_policy and ticket.sla_paused_since:
                    hours = ticket.sla_policy.calendar.business_hours()
                    minutes = max(
                        hours.elapsed(ticket.sla_paused_since, now), 0)
                to_write.extend(([ticket], {
                            'sla_paused_since': None,
                            'sla_paused_minutes': (
                                (ticket.sla_paused_minutes or 0) + minutes),
                            }))
                resumed.append(ticket)
        if to_write:
            super().write(*to_write)
        if resumed:
            cls._sla_compute(cls.browse(resumed))

    @classmethod
    def _sla_compute(cls, tickets):
        """Set the policy, the due times from the start (the resolution
        pushed by the pauses) and the breaches of met targets"""
        Policy = Pool().get('crm.sla.policy')
        with without_check_access():
            policies = Policy.search([])
        to_write = []
        calendars = {}
        for ticket in tickets:
            policy = Policy.find(ticket, policies)
            values = {'sla_policy': policy.id if policy else None}
            if policy and ticket.sla_start:
                calendar = policy.calendar
                if calendar.id not in calendars:
                    calendars[calendar.id] = calendar.business_hours()
                hours = calendars[calendar.id]
                values['first_response_due'] = hours.add(
                    ticket.sla_start,
                    round(policy.first_response_hours * 60))
                values['resolution_due'] = hours.add(
                    ticket.sla_start,
                    round(policy.resolution_hours * 60)
                    + (ticket.sla_paused_minutes or 0))
            else:
                values['first_response_due'] = None
                values['resolution_due'] = None
            first_due = values['first_response_due']
            if (first_due and ticket.first_response_date
                    and ticket.first_response_date > first_due):
                values['first_response_breached'] = True
            resolution_due = values['resolution_due']
            if (resolution_due and ticket.resolved_date
                    and ticket.resolved_date > resolution_due):
                values['resolution_breached'] = True
            current = {k: getattr(ticket, k) for k in values}
            current['sla_policy'] = (
                ticket.sla_policy.id if ticket.sla_policy else None)
            changed = {k: v for k, v in values.items() if current[k] != v}
            if changed:
                to_write.extend(([ticket], changed))
        if to_write:
            super().write(*to_write)

    @classmethod
    def sla_escalate(cls, now=None):
        """Warn the assignee of the tickets about to breach their service
        level, warn the team manager of the breached ones, once each"""
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Event = pool.get('crm.ticket.sla_event')
        if now is None:
            now = cls._now()
        warning = Configuration(1).get_sla_warning_minutes()
        tickets = cls.search([
                ('state', 'in', list(OPEN_STATES)),
                ('sla_policy', '!=', None),
                ['OR',
                    [('first_response_date', '=', None),
                        ('first_response_due', '!=', None)],
                    ('resolution_due', '!=', None),
                    ],
                ])
        done = set()
        for sub in grouped_slice(tickets, backend.MAX_QUERY_PARAMS):
            done.update((e.ticket.id, e.kind, e.stage) for e in Event.search(
                    [('ticket', 'in', [t.id for t in sub])]))
        events, breached = [], defaultdict(list)
        calendars = {}
        for ticket in tickets:
            clock = ticket.sla_clock(now, calendars)
            if not clock:
                continue
            kind, due, minutes = clock
            if kind == 'resolution' and ticket.state == 'waiting':
                continue
            if now >= due:
                stage = 'breach'
            elif minutes <= warning:
                stage = 'warning'
            else:
                continue
            if (ticket.id, kind, stage) in done:
                continue
            events.append(Event(
                    ticket=ticket, kind=kind, stage=stage, date=now, due=due))
            if stage == 'breach':
                breached[kind].append(ticket)
        Event.save(events)
        to_write = []
        for kind, records in breached.items():
            to_write.extend((records, {f'{kind}_breached': True}))
        if to_write:
            super().write(*to_write)
        cls._sla_notify(events)
        return events

    @classmethod
    def _sla_notify(cls, events):
        """Notify the users of the events: warnings the assignee's, breaches
        the team manager's"""
        pool = Pool()
        Notification = pool.get('res.notification')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        action_id = ModelData.get_id('crm_plus', 'act_ticket')
        notifications = []
        for event in events:
            ticket = event.ticket
            manager = ticket.team.manager if ticket.team else None
            if event.stage == 'warning':
                employees = [ticket.assignee or manager]
            else:
                employees = [manager or ticket.assignee]
            employees = [e.id for e in employees if e]
            if not employees:
                continue
            users = User.search([('employees', 'in', employees)])
            for user in users:
                with Transaction().set_context(language=user.language.code
                        if user.language else None):
                    label = gettext(
                        f'crm_plus.msg_sla_{event.stage}_{event.kind}',
                        ticket=ticket.rec_name)
                    description = format_minutes(
                        ticket.sla_policy.calendar.business_hours().elapsed(
                            event.date, event.due))
                notifications.append(Notification(
                        user=user,
                        label=label,
                        description=description,
                        icon='tryton-notification',
                        model=cls.__name__,
                        records=json.dumps([ticket.id]),
                        action=action_id,
                        ))
        Notification.save(notifications)


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    ticket_sla_warning_minutes = fields.Integer(
        "Service Level Warning",
        domain=['OR',
            ('ticket_sla_warning_minutes', '=', None),
            ('ticket_sla_warning_minutes', '>=', 0),
            ],
        help="The assignee is warned so many business minutes before a "
        "ticket's due time.")

    @classmethod
    def default_ticket_sla_warning_minutes(cls):
        return 60

    def get_sla_warning_minutes(self):
        if self.ticket_sla_warning_minutes is None:
            return 60
        return self.ticket_sla_warning_minutes


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.ticket|sla_escalate', "Escalate Tickets by Service Level"))
