"""The erasure of a person reaches their leads and the send records of the
campaigns they received; counts and dates stay for the reports."""
from trytond.pool import Pool, PoolMeta


class PartyErase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def to_erase(self, party_id):
        pool = Pool()
        Lead = pool.get('crm.lead')
        Recipient = pool.get('crm.campaign.recipient')
        return super().to_erase(party_id) + [
            (Lead, [('party', '=', party_id)], True,
                ['name', 'organization', 'title', 'phone', 'email', 'uscc',
                    'phone_compact', 'email_compact', 'description',
                    'disqualify_note'],
                ['****', None, None, None, None, None, None, None, None,
                    None]),
            (Recipient, [('party', '=', party_id)], False,
                ['address', 'reply', 'error'], [None, None, None]),
            ]
