from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


def login_language(code):
    """The translatable language closest to code, a language asked by a
    client that does not know the user yet, else the database's default

    sao sends the browser's language in BCP 47 ("zh-CN") while Tryton's
    codes are POSIX ("zh_CN"): looked up as sent, the login dialog's messages
    stay in English."""
    pool = Pool()
    Configuration = pool.get('ir.configuration')
    Lang = pool.get('ir.lang')
    languages = {c.lower(): c for c in Lang.get_translatable_languages()}
    code = (code or '').replace('-', '_').lower()
    while code:
        if code in languages:
            return languages[code]
        code = code.rpartition('_')[0]
    return Configuration.get_language()


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def get_login(cls, login, parameters):
        language = login_language(Transaction().context.get('language'))
        with Transaction().set_context(language=language):
            return super().get_login(login, parameters)
