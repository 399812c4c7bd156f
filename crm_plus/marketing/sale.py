from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # marketing_automation's party of the sale, read in its company
        cls.marketing_party.context = {'company': Eval('company', -1)}
        cls.marketing_party.depends = cls.marketing_party.depends | {
            'company'}
