"""The monthly management report (月度经营报告): sales by region and
product, the pipeline, the top customers and the service summary of a
month, with SVG charts drawn here, printed by WeasyPrint; and the cron
e-mailing the previous month's report to the configured users, each
rendered under that user's record rules.

The figures are read from the report models (crm.analytics.sale.*,
crm.pipeline.stage.report, crm.ticket.report.month) under the rules of the
user the report is rendered for; a section whose model the user may not
read is left out."""
import datetime as dt
import logging
from email.message import EmailMessage
from email.utils import formataddr, getaddresses
from xml.sax.saxutils import escape

from dateutil.relativedelta import relativedelta
from genshi.core import Markup

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.report import Report
from trytond.sendmail import sendmail_transactional
from trytond.tools import slugify
from trytond.transaction import Transaction
from trytond.wizard import Button, StateReport, StateView, Wizard

logger = logging.getLogger(__name__)

TOP = 10
#: the bar colours of the charts
COLOURS = ['#2f6fb0', '#9bb8d8', '#d9a441']


def month_start(date):
    return date.replace(day=1)


def month_end(date):
    return month_start(date) + relativedelta(months=1, days=-1)


def _number(value):
    return f'{value:,.0f}' if value is not None else ''


def hbar_svg(items, width=480, bar=16, label_width=130):
    """An SVG of horizontal bars: items are (label, value); no script, no
    external reference (WeasyPrint draws it inline)"""
    items = [(l, float(v or 0)) for l, v in items]
    top = max([v for _, v in items] + [0]) or 1
    gap = 6
    height = max(len(items), 1) * (bar + gap) + gap
    plot = width - label_width - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">']
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar + gap)
        length = max(plot * max(value, 0) / top, 0)
        parts.append(
            f'<text x="{label_width - 4}" y="{y + bar - 4}" '
            f'text-anchor="end" font-size="9">{escape(label[:18])}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" '
            f'height="{bar}" fill="{COLOURS[0]}"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar - 4}" '
            f'font-size="9">{_number(value)}</text>')
    parts.append('</svg>')
    return Markup(''.join(parts))


def columns_svg(labels, series, width=640, height=200):
    """An SVG of grouped vertical columns: series are lists of values, one
    per label, drawn side by side in COLOURS"""
    values = [float(v or 0) for s in series for v in s]
    top = max(values + [0]) or 1
    bottom = 24
    plot = height - bottom - 14
    slot = width / max(len(labels), 1)
    column = slot * 0.8 / max(len(series), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f'<line x1="0" y1="{height - bottom}" x2="{width}" '
        f'y2="{height - bottom}" stroke="#888" stroke-width="0.5"/>']
    for i, label in enumerate(labels):
        x = i * slot + slot * 0.1
        for j, s in enumerate(series):
            value = max(float(s[i] or 0), 0)
            h = plot * value / top
            parts.append(
                f'<rect x="{x + j * column:.1f}" '
                f'y="{height - bottom - h:.1f}" width="{column:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[j % len(COLOURS)]}"/>')
        parts.append(
            f'<text x="{i * slot + slot / 2:.1f}" y="{height - 8}" '
            f'text-anchor="middle" font-size="8">{escape(label)}</text>')
    parts.append('</svg>')
    return Markup(''.join(parts))


def report_context(month, company, team=None):
    "The context the report models read the figures of the month in"
    return {
        'company': company,
        'from_date': month_start(month),
        'to_date': month_end(month),
        'period': 'month',
        'region_level': 'province',
        'team': team,
        }


def monthly_figures(month, company, team=None):
    """The figures of the month for the transaction user, under their
    record rules, as a dictionary of sections"""
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')

    def readable(name):
        return (not Transaction().check_access
            or ModelAccess.check(name, 'read', raise_exception=False))

    def rows(name, fields_names, limit=None, **context):
        if not readable(name):
            return None
        Model = pool.get(name)
        with Transaction().set_context(context):
            return Model.search_read([], limit=limit,
                fields_names=['rec_name'] + fields_names)

    base = report_context(month, company, team)
    figures = {}
    sales_fields = ['amount', 'amount_previous', 'amount_last_year',
        'quantity', 'number']
    with Transaction().set_context(base):
        period = rows('crm.analytics.sale.period',
            sales_fields + ['margin'])
        figures['total'] = period[0] if period else None
        figures['trend'] = rows('crm.analytics.sale.period',
            ['amount', 'amount_last_year'],
            from_date=month_start(month) - relativedelta(months=11))
        figures['regions'] = rows('crm.analytics.sale.region', sales_fields)
        figures['products'] = rows(
            'crm.analytics.sale.product', sales_fields, limit=TOP)
        figures['customers'] = rows(
            'crm.analytics.sale.customer', sales_fields, limit=TOP)
        # the open pipeline now, whatever the expected closing date
        figures['pipeline'] = rows('crm.pipeline.stage.report',
            ['kind', 'number', 'amount', 'weighted_amount'],
            from_date=None, to_date=None)
        service = rows('crm.ticket.report.month',
            ['number', 'resolved', 'resolution_rate', 'backlog', 'csat',
                'surveys'])
        figures['service'] = (service[0] if service else {}) if (
            service is not None) else None
    return figures


class MonthlyStart(ModelView):
    __name__ = 'crm.analytics.monthly.start'
    __string__ = "Monthly Report"
    month = fields.Date("Month", required=True,
        help="Any day of the month reported.")
    company = fields.Many2One('company.company', "Company", required=True)
    team = fields.Many2One(
        'crm.team', "Team", domain=[('company', '=', Eval('company', -1))],
        help="Only the customers of this team.")

    @classmethod
    def default_month(cls):
        Date = Pool().get('ir.date')
        return month_start(Date.today()) - relativedelta(months=1)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')


class Monthly(Wizard):
    "Print the monthly management report"
    __name__ = 'crm.analytics.monthly'
    start = StateView('crm.analytics.monthly.start',
        'crm_plus.analytics_monthly_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('crm.analytics.monthly.report')

    def do_print_(self, action):
        return action, {
            'month': month_start(self.start.month).isoformat(),
            'company': self.start.company.id,
            'team': self.start.team.id if self.start.team else None,
            }


class MonthlyReport(Report):
    "The monthly management report of data's month, company and team"
    __name__ = 'crm.analytics.monthly.report'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Company = pool.get('company.company')
        Team = pool.get('crm.team')
        context = super().get_context(records, header, data)
        month = dt.date.fromisoformat(data['month'])
        company = Company(data['company'])
        team = Team(data['team']) if data.get('team') else None
        figures = monthly_figures(month, company.id, team and team.id)
        context.update(figures)
        context['company'] = company
        context['team'] = team
        context['month'] = month
        context['digits'] = company.currency.digits
        context['number'] = _number
        context['percent'] = (
            lambda v: f'{v * 100:.1f}%' if v is not None else '')
        context['charts'] = cls.charts(figures)
        return context

    @classmethod
    def charts(cls, figures):
        "The SVG charts of the figures"
        charts = {}
        if figures.get('trend'):
            charts['trend'] = columns_svg(
                [r['rec_name'] for r in figures['trend']],
                [[r['amount'] for r in figures['trend']],
                    [r['amount_last_year'] for r in figures['trend']]])
        for name in ['regions', 'products', 'customers']:
            if figures.get(name):
                charts[name] = hbar_svg(
                    [(r['rec_name'], r['amount']) for r in figures[name]])
        if figures.get('pipeline'):
            charts['pipeline'] = hbar_svg(
                [(r['rec_name'], r['amount']) for r in figures['pipeline']])
        return charts

    @classmethod
    def render_for(cls, user, month):
        """The (file name, PDF) of the report of month for user, under the
        user's rules, in the user's language and company"""
        pool = Pool()
        User = pool.get('res.user')
        ActionReport = pool.get('ir.action.report')
        action, = ActionReport.search([
                ('report_name', '=', cls.__name__),
                ])
        transaction = Transaction()
        with transaction.set_user(user.id):
            preferences = User.get_preferences(context_only=True)
        with transaction.set_user(user.id), transaction.set_context(
                preferences, _check_access=True):
            company = transaction.context.get('company')
            if not company:
                return None
            ext, content, _, name = cls.execute([], {
                    'action_id': action.id,
                    'month': month_start(month).isoformat(),
                    'company': company,
                    'team': None,
                    })
        return f'{slugify(name)}-{month:%Y-%m}.{ext}', content


class MonthlyRecipient(ModelSQL):
    "A user the monthly report is e-mailed to"
    __name__ = 'crm.analytics.monthly.recipient'
    __string__ = "Monthly Report Recipient"
    configuration = fields.Many2One(
        'crm.configuration', "Configuration", required=True,
        ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')

    @classmethod
    def send_reports(cls, date=None):
        """E-mail the report of the month before date (today) to each
        recipient with an e-mail address, rendered under their rules"""
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        month = month_start(date) - relativedelta(months=1)
        from_ = config.get('email', 'from')
        for user in Configuration(1).analytics_monthly_recipients:
            if not user.email or not user.active:
                continue
            rendered = MonthlyReport.render_for(user, month)
            if rendered is None:
                continue
            filename, content = rendered
            language = user.language.code if user.language else None
            with Transaction().set_context(language=language):
                subject = gettext('crm_plus.msg_analytics_monthly_subject',
                    month=month.strftime('%Y-%m'))
                body = gettext('crm_plus.msg_analytics_monthly_body',
                    month=month.strftime('%Y-%m'))
            msg = EmailMessage()
            msg['From'] = from_
            msg['To'] = formataddr((user.name, user.email))
            msg['Subject'] = subject
            msg.set_content(body)
            msg.add_attachment(bytes(content), maintype='application',
                subtype='pdf', filename=filename)
            to_addrs = [a for _, a in getaddresses([msg['To']])]
            sendmail_transactional(from_, to_addrs, msg)


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    analytics_monthly_recipients = fields.Many2Many(
        'crm.analytics.monthly.recipient', 'configuration', 'user',
        "Monthly Report Recipients",
        help="The users the monthly management report is e-mailed to on "
        "the first day of each month, each with the figures they may see.")


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.analytics.monthly.recipient|send_reports',
                "Send Monthly Reports"))
