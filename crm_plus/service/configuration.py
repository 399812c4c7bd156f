"""Service settings of the CRM configuration."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Id


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    ticket_sequence = fields.Many2One(
        'ir.sequence', "Ticket Sequence",
        domain=[
            ('sequence_type', '=', Id('crm_plus', 'sequence_type_ticket')),
            ])
    ticket_reopen_days = fields.Integer(
        "Reopen Days",
        domain=['OR',
            ('ticket_reopen_days', '=', None),
            ('ticket_reopen_days', '>=', 0),
            ],
        help="A resolved ticket can be reopened during so many days.")

    @classmethod
    def default_ticket_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        try:
            return ModelData.get_id('crm_plus', 'sequence_ticket')
        except KeyError:
            return None

    @classmethod
    def default_ticket_reopen_days(cls):
        return 7
