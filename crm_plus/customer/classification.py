"""Configurable lists classifying CRM customers."""
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)

from ..text_input import TextInputMixin


class _Classification(
        TextInputMixin, sequence_ordered(), DeactivableMixin, ModelSQL,
        ModelView):
    name = fields.Char("Name", required=True, translate=True)


class Industry(_Classification):
    __name__ = 'crm.industry'
    __string__ = "Industry"


class Source(_Classification):
    __name__ = 'crm.customer.source'
    __string__ = "Customer Source"


class Level(_Classification):
    __name__ = 'crm.customer.level'
    __string__ = "Customer Level"
    description = fields.Char("Description", translate=True)
