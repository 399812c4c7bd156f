import datetime as dt

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.exceptions import RateLimitException
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
        LoginHistory = Pool().get('crm.login.history')
        language = login_language(Transaction().context.get('language'))
        user_id, result = None, 'failed'
        try:
            with Transaction().set_context(language=language):
                user_id = super().get_login(login, parameters)
        except RateLimitException:
            result = 'refused'
            raise
        finally:
            # the login transaction commits on failures too (the stock
            # login attempts are kept the same way)
            LoginHistory.add(login, user_id, 'success' if user_id else result)
        return user_id


class LoginHistory(ModelSQL, ModelView):
    "Every login to the server, successful or not, with the client address"
    __name__ = 'crm.login.history'
    __string__ = "Login History"
    login = fields.Char("Login", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    result = fields.Selection([
            ('success', "Success"),
            ('failed', "Failed"),
            ('refused', "Refused (too many attempts)"),
            ], "Result", readonly=True)
    ip_address = fields.Char("IP Address", readonly=True)
    date = fields.DateTime("Date", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.date, Index.Range())),
                Index(t, (t.login, Index.Equality()), (t.date, Index.Range())),
                })

    @classmethod
    def add(cls, login, user_id, result):
        "Record a login of login (the user when it succeeded)"
        ip_address, _ = Transaction().remote_address()
        cls.create([{
                    'login': (login or '')[:512],
                    'user': user_id,
                    'result': result,
                    'ip_address': str(ip_address) if ip_address else None,
                    'date': dt.datetime.now(),
                    }])

    @classmethod
    def purge(cls):
        "Delete the logins older than the kept days of the configuration (cron)"
        Configuration = Pool().get('crm.configuration')
        days = Configuration(1).login_history_days
        if not days:
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(
                where=table.date < dt.datetime.now() - dt.timedelta(days=days)))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.login.history|purge', "Purge Login History"))
