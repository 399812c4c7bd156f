import datetime
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..text_input import TextInputMixin
from .approval import ApprovalError

#: the states of the sales counted as committed by the forecast
COMMITTED_STATES = ['confirmed', 'processing', 'done']


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'

    crm_approval_amount = fields.Numeric(
        "Approval Amount", digits=(16, 2),
        domain=['OR',
            ('crm_approval_amount', '=', None),
            ('crm_approval_amount', '>=', 0),
            ],
        help="Sales whose total in the company currency exceeds this amount "
        "need the approval of a Sales Manager before confirmation.\n"
        "Leave empty to not check the amount.")
    crm_approval_discount = fields.Numeric(
        "Approval Discount (%)", digits=(5, 2),
        domain=['OR',
            ('crm_approval_discount', '=', None),
            [
                ('crm_approval_discount', '>=', 0),
                ('crm_approval_discount', '<=', 100),
                ],
            ],
        help="Sales with a line discounted by more than this percentage "
        "need the approval of a Sales Manager before confirmation.\n"
        "Leave empty to not check discounts.")
    crm_quotation_terms = fields.Text(
        "Quotation Terms",
        help="Terms and conditions printed at the bottom of quotations.")
    crm_contract_terms = fields.Text(
        "Sales Contract Terms",
        help="Clauses printed in the other terms of sales contracts "
        "(quality, acceptance, breach, disputes).")


class Sale(TextInputMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_approval_required = fields.Function(
        fields.Boolean("Approval Required"), 'get_crm_approval_required')
    crm_approval = fields.Selection([
            (None, ""),
            ('requested', "Requested"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ], "Approval", readonly=True)
    crm_approval_requested_by = fields.Many2One(
        'res.user', "Approval Requested By", readonly=True)
    crm_approved_by = fields.Many2One(
        'res.user', "Approved By", readonly=True)
    crm_approved_at = fields.DateTime("Approved At", readonly=True)
    crm_approved_amount = fields.Numeric(
        "Approved Amount", digits=(16, 2), readonly=True,
        help="The total amount the approval was given for.")
    crm_rejected_by = fields.Many2One(
        'res.user', "Rejected By", readonly=True)
    crm_rejection_reason = fields.Text("Rejection Reason", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The committed sales of the forecast, per company and sale date
        cls._sql_indexes.add(
            Index(t, (t.company, Index.Equality(cardinality='low')),
                (t.sale_date, Index.Range()),
                include=[t.untaxed_amount_cache],
                where=t.state.in_(COMMITTED_STATES)))
        # The lines of a quotation are read-only: its amounts are stored
        # when it is quoted instead of computed with its taxes on each read
        # (the quotation PDF, the lists)
        if 'quotation' not in cls._states_cached:
            cls._states_cached.append('quotation')
        pending = (
            (Eval('state') != 'quotation')
            | ~Eval('crm_approval_required', False))
        cls._buttons.update({
                'crm_request_approval': {
                    'invisible': pending | Eval('crm_approval').in_(
                        ['requested', 'approved']),
                    'depends': ['state', 'crm_approval_required',
                        'crm_approval'],
                    },
                'crm_approve': {
                    'invisible': pending | (
                        Eval('crm_approval') == 'approved'),
                    'depends': ['state', 'crm_approval_required',
                        'crm_approval'],
                    },
                'crm_reject': {
                    'invisible': pending | (
                        Eval('crm_approval') == 'approved'),
                    'depends': ['state', 'crm_approval_required',
                        'crm_approval'],
                    },
                })

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        for name in cls._crm_approval_fields():
            default.setdefault(name, None)
        default.setdefault('crm_rejected_by')
        default.setdefault('crm_rejection_reason')
        return super().copy(sales, default=default)

    @staticmethod
    def _crm_approval_fields():
        return ['crm_approval', 'crm_approval_requested_by',
            'crm_approved_by', 'crm_approved_at', 'crm_approved_amount']

    @property
    def crm_company_amount(self):
        "The total amount in the company currency"
        pool = Pool()
        Currency = pool.get('currency.currency')
        amount = self.total_amount or Decimal(0)
        if self.currency and self.currency != self.company.currency:
            with Transaction().set_context(
                    date=self.sale_date or self.quotation_date):
                amount = Currency.compute(
                    self.currency, amount, self.company.currency)
        return amount

    @property
    def crm_max_discount(self):
        "The highest line discount in percent"
        return max((
                (line.discount_rate or 0) * 100 for line in self.lines
                if line.type == 'line'), default=Decimal(0))

    def crm_approval_reasons(self):
        "Return why the sale needs an approval, empty when it does not"
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Lang = pool.get('ir.lang')
        config = Configuration(1)
        lang = Lang.get()
        reasons = []
        amount = self.crm_company_amount
        if (config.crm_approval_amount is not None
                and amount > config.crm_approval_amount):
            reasons.append(gettext('crm_plus.msg_sale_approval_amount',
                    amount=lang.currency(amount, self.company.currency),
                    threshold=lang.currency(
                        config.crm_approval_amount, self.company.currency)))
        discount = self.crm_max_discount
        if (config.crm_approval_discount is not None
                and discount > config.crm_approval_discount):
            reasons.append(gettext('crm_plus.msg_sale_approval_discount',
                    discount=lang.format('%.2f', discount),
                    threshold=lang.format(
                        '%.2f', config.crm_approval_discount)))
        return reasons

    def get_crm_approval_required(self, name):
        return bool(self.crm_approval_reasons())

    @property
    def crm_approved(self):
        "Approved for the current amount"
        return (self.crm_approval == 'approved'
            and self.crm_approved_amount == self.total_amount)

    def check_crm_approval(self):
        if self.crm_approved:
            return
        reasons = self.crm_approval_reasons()
        if reasons:
            raise ApprovalError(
                gettext('crm_plus.msg_sale_approval_missing',
                    sale=self.rec_name, reasons=' '.join(reasons)))

    @classmethod
    @ModelView.button
    def crm_request_approval(cls, sales):
        for sale in sales:
            if sale.state != 'quotation':
                raise ApprovalError(
                    gettext('crm_plus.msg_sale_approval_not_quotation',
                        sale=sale.rec_name))
        cls.write(sales, {
                'crm_approval': 'requested',
                'crm_approval_requested_by': Transaction().user,
                })

    @classmethod
    @ModelView.button
    def crm_approve(cls, sales):
        now = datetime.datetime.now()
        to_write = []
        for sale in sales:
            if sale.state != 'quotation':
                raise ApprovalError(
                    gettext('crm_plus.msg_sale_approval_not_quotation',
                        sale=sale.rec_name))
            to_write.extend(([sale], {
                        'crm_approval': 'approved',
                        'crm_approved_by': Transaction().user,
                        'crm_approved_at': now,
                        'crm_approved_amount': sale.total_amount,
                        'crm_rejected_by': None,
                        'crm_rejection_reason': None,
                        }))
        if to_write:
            cls.write(*to_write)

    @classmethod
    @ModelView.button_action('crm_plus.wizard_sale_approval_reject')
    def crm_reject(cls, sales):
        pass

    @classmethod
    def crm_reject_sales(cls, sales, reason):
        "Return the sales to draft, recording who rejected them and why"
        cls.draft(sales)
        cls.write(sales, {
                'crm_approval': 'rejected',
                'crm_rejected_by': Transaction().user,
                'crm_rejection_reason': reason,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('quotation')
    def quote(cls, sales):
        super().quote(sales)
        cls.store_cache(sales)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, sales):
        pool = Pool()
        Quotation = pool.get('crm.sale.quotation', type='report')
        # Keep the quotation the customer may have received
        Quotation.store_revisions([s for s in sales if s.state == 'quotation'])
        super().draft(sales)
        cls.write(sales, {n: None for n in cls._crm_approval_fields()})

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, sales):
        for sale in sales:
            sale.check_crm_approval()
        super().confirm(sales)



class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    # A Many2Many column of a list shows only the number of its records
    crm_tax_names = fields.Function(
        fields.Char("Taxes"), 'on_change_with_crm_tax_names')

    @fields.depends('taxes')
    def on_change_with_crm_tax_names(self, name=None):
        return ', '.join(t.rec_name for t in self.taxes or [])
