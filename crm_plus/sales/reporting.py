"""A rate for the company's currency, without which the manager reports are
empty.

The stock sale and opportunity reports convert each amount at the rates of
its currency and of the company's currency on its date, and inner-join those
rates: when the company's currency has no rate (a new install in CNY only
has none), they show no row at all.  A company whose currency has no rate
gives it a rate of 1 from the earliest date, which makes it the reference of
the other currencies' rates, as in a single-currency company it is.
"""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    @classmethod
    def on_modification(cls, mode, companies, field_names=None):
        super().on_modification(mode, companies, field_names=field_names)
        if mode in {'create', 'write'} and (
                field_names is None or 'currency' in field_names):
            cls.crm_rate_currencies(companies)

    @classmethod
    def crm_rate_currencies(cls, companies):
        "Give the currencies of companies without rate a rate of 1"
        pool = Pool()
        Rate = pool.get('currency.currency.rate')
        currencies = {c.currency.id for c in companies if c.currency}
        # Also for a user who may create a company but not rates
        with without_check_access():
            rated = {r.currency.id for r in Rate.search([
                        ('currency', 'in', list(currencies)),
                        ])}
            Rate.create([{
                        'currency': currency,
                        'date': dt.date.min,
                        'rate': Decimal(1),
                        } for currency in sorted(currencies - rated)])
