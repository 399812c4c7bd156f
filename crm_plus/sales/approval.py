from trytond.exceptions import UserError
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard


class ApprovalError(UserError):
    pass


class RejectStart(ModelView):
    __name__ = 'crm.sale.approval.reject.start'
    __string__ = "Reject Sale"

    reason = fields.Text("Reason", required=True)


class Reject(Wizard):
    "Reject the approval of sales and return them to draft"
    __name__ = 'crm.sale.approval.reject'
    start = StateView(
        'crm.sale.approval.reject.start',
        'crm_plus.sale_approval_reject_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Reject", 'reject', 'tryton-ok', default=True),
            ])
    reject = StateTransition()

    def transition_reject(self):
        Sale = Pool().get('sale.sale')
        Sale.crm_reject_sales(
            [s for s in self.records if s.state == 'quotation'],
            self.start.reason)
        return 'end'
