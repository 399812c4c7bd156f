from trytond.model import ModelSingleton, ModelSQL, ModelView

from .text_input import TextInputMixin


class Configuration(TextInputMixin, ModelSingleton, ModelSQL, ModelView):
    "One record; each domain adds its settings with a PoolMeta extension"
    __name__ = 'crm.configuration'
    __string__ = "CRM Configuration"
