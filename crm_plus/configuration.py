from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

from .text_input import TextInputMixin


class Configuration(TextInputMixin, ModelSingleton, ModelSQL, ModelView):
    "One record; each domain adds its settings with a PoolMeta extension"
    __name__ = 'crm.configuration'
    __string__ = "CRM Configuration"
    login_history_days = fields.Integer(
        "Login History Days",
        domain=['OR',
            ('login_history_days', '=', None),
            ('login_history_days', '>', 0),
            ],
        help="The logins are kept so many days; empty: for ever.")

    @classmethod
    def default_login_history_days(cls):
        return 365
