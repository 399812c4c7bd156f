from trytond.model import fields
from trytond.pool import PoolMeta


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    crm_owner = fields.Many2One(
        'company.employee', "Owner",
        help="The sales representative responsible for the customer.")
    crm_team = fields.Many2One(
        'crm.team', "Team",
        help="The sales team the customer belongs to.")

    @fields.depends('crm_owner', 'crm_team')
    def on_change_crm_owner(self):
        if self.crm_owner and not self.crm_team:
            teams = self.crm_owner.crm_teams
            if len(teams) == 1:
                self.crm_team, = teams
