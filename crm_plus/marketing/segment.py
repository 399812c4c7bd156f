"""Dynamic customer segments: criteria compiled to one SQL query."""
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields

from trytond.transaction import Transaction

from ..text_input import TextInputMixin


class Segment(TextInputMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'crm.segment'
    __string__ = "Segment"

    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Company", required=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    def query(self):
        """A python-sql query selecting the column ``party``: the ids of the
        customers in the segment"""
        raise NotImplementedError

    def party_ids(self):
        cursor = Transaction().connection.cursor()
        cursor.execute(*self.query())
        return [r for r, in cursor]
