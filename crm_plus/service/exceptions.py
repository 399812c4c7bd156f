from trytond.exceptions import UserError


class TicketError(UserError):
    pass
