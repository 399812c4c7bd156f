"""Customer settings of the CRM configuration and their record rules."""
from trytond.cache import Cache
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    crm_inactivity_days = fields.Integer(
        "Inactivity Days",
        domain=['OR',
            ('crm_inactivity_days', '=', None),
            ('crm_inactivity_days', '>', 0),
            ],
        help="Active customers without activity for more days are "
        "flagged at risk.\nLeave empty to never flag them.")
    crm_team_sharing = fields.Boolean(
        "Team Sharing",
        help="Sales representatives see the customers of their teams.")

    @classmethod
    def default_crm_inactivity_days(cls):
        return 180

    @classmethod
    def default_crm_team_sharing(cls):
        return False

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Rule = Pool().get('ir.rule')
        Rule._crm_team_sharing_cache.clear()
        Rule._domain_get_cache.clear()


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'
    # Read for the cache key of every search with record rules: reading the
    # configuration each time costed more than the customer searches
    _crm_team_sharing_cache = Cache(
        'ir.rule.crm_team_sharing', context=False)

    @classmethod
    def _crm_team_sharing(cls):
        Configuration = Pool().get('crm.configuration')
        sharing = cls._crm_team_sharing_cache.get(None)
        if sharing is None:
            with without_check_access():
                sharing = bool(Configuration(1).crm_team_sharing)
            cls._crm_team_sharing_cache.set(None, sharing)
        return sharing

    @classmethod
    def _crm_sensitive_access(cls):
        """Whether the user may read sensitive personal data of customers:
        the field access of the ID number (generated from the security
        model)"""
        FieldAccess = Pool().get('ir.model.field.access')
        access = FieldAccess.get_access(['party.party'])['party.party']
        return bool(access.get('crm_id_number', {}).get('read', True))

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context['crm_team_sharing'] = cls._crm_team_sharing()
        # The groups are already part of the cache key
        context['crm_sensitive_access'] = cls._crm_sensitive_access()
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        return (*key, cls._crm_team_sharing())
