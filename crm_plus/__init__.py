"""crm_plus: a CRM for Chinese SMBs on Tryton 8.0.

Registration is declared in tryton.cfg and in each domain folder's
tryton.cfg (customer/, sales/, ...).
"""

try:
    import email_validator
except ImportError:
    pass
else:
    # The party module validates e-mails with email-validator, whose default
    # also resolves the domain in DNS: offline or intranet servers would
    # reject every address.  Check the syntax only.
    email_validator.CHECK_DELIVERABILITY = False
