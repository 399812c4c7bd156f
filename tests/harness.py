"""System-test harness: a running crm_plus server, over HTTP, per backend.

``instance(backend)`` serves a demo instance (``crm-plus init --demo`` +
``crm-plus serve``) configured exactly as ``crm-plus init`` writes it, on
SQLite or PostgreSQL, once per test process (stopped at exit).  The demo
database is built once per version of the module sources (their hash, as
the module tests' DB_CACHE) and copied for each process: the SQLite file,
or a PostgreSQL template database (``CREATE DATABASE ... TEMPLATE``).

Environment: CRM_PLUS_VENV (the venv serving, default <repo>/.venv),
CRM_PLUS_CACHE (the cache goes in its ``systest`` folder, see
crm_plus.sources.cache_dir), CRM_PLUS_PG_URI (default postgresql://root@127.0.0.1:5432/),
CRM_PLUS_BACKENDS (``sqlite,postgresql``: the backends to test on),
CRM_PLUS_PG_PREFIX (prefix of the PostgreSQL databases, default
``crm_systest_``), CRM_PLUS_PORTS (``8100-8199``: the ports to serve on,
default any free port).
"""
import atexit
import base64
import configparser
import copy
import datetime as dt
import decimal
import fcntl
import itertools
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from trytond.modules.crm_plus.cli import write_config
from trytond.modules.crm_plus.sources import cache_dir, module_hash

__all__ = ['BACKENDS', 'instance', 'RpcError', 'free_port', 'instance_env']

REPO = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get('CRM_PLUS_VENV') or REPO / '.venv')
CACHE = cache_dir() / 'systest'
PG_URI = os.environ.get(
    'CRM_PLUS_PG_URI', 'postgresql://root@127.0.0.1:5432/')
PG_PREFIX = os.environ.get('CRM_PLUS_PG_PREFIX', 'crm_systest_')
TIMEOUT = 120


def _pg_connect(database='postgres'):
    import psycopg
    return psycopg.connect(PG_URI + database, autocommit=True,
        connect_timeout=5)


def _pg_available():
    try:
        _pg_connect().close()
    except Exception:
        return False
    return True


def _backends():
    """The backends to test on: SQLite, and PostgreSQL when reachable;
    CRM_PLUS_BACKENDS (comma-separated) restricts them, so that CI runs the
    two backends in two processes side by side"""
    wanted = [b for b in os.environ.get(
            'CRM_PLUS_BACKENDS', 'sqlite,postgresql').split(',') if b]
    return [b for b in wanted
        if b == 'sqlite' or (b == 'postgresql' and _pg_available())]


BACKENDS = _backends()


class RpcError(Exception):
    """A JSON-RPC error: type is the Tryton exception ('UserError',
    'UserWarning', ...; an AccessError is a 'UserError' on the wire),
    'ServerError' for any other exception, 'HTTPError' for an HTTP status"""

    def __init__(self, type, message, data, status=200):
        super().__init__(f"{type}: {message}")
        self.type, self.message, self.data = type, message, data
        self.status = status


# trytond's JSON encoding of dates, decimals and bytes
def _encode(value):
    if isinstance(value, dt.datetime):
        return {'__class__': 'datetime', 'year': value.year,
            'month': value.month, 'day': value.day, 'hour': value.hour,
            'minute': value.minute, 'second': value.second,
            'microsecond': value.microsecond}
    if isinstance(value, dt.date):
        return {'__class__': 'date', 'year': value.year,
            'month': value.month, 'day': value.day}
    if isinstance(value, decimal.Decimal):
        return {'__class__': 'Decimal', 'decimal': str(value)}
    if isinstance(value, bytes):
        return {'__class__': 'bytes',
            'base64': base64.b64encode(value).decode()}
    raise TypeError(f"cannot encode {value!r}")


def _decode(obj):
    kind = obj.get('__class__')
    if kind == 'datetime':
        return dt.datetime(*(obj[k] for k in ['year', 'month', 'day']),
            obj.get('hour', 0), obj.get('minute', 0), obj.get('second', 0),
            obj.get('microsecond', 0))
    if kind == 'date':
        return dt.date(obj['year'], obj['month'], obj['day'])
    if kind == 'Decimal':
        return decimal.Decimal(obj['decimal'])
    if kind == 'bytes':
        return base64.b64decode(obj['base64'])
    return obj


def dumps(value):
    return json.dumps(value, default=_encode)


def loads(text):
    return json.loads(text, object_hook=_decode)


def _post(url, payload, headers=None):
    "POST JSON, return (status, decoded body)"
    request = urllib.request.Request(url, data=dumps(payload).encode(),
        headers={'Content-Type': 'application/json', **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, loads(response.read() or b'null')
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors='replace')


class Rpc:
    "A JSON-RPC client logged in at /<db>/rpc/; call it with method, *args"

    _ids = itertools.count(1)

    def __init__(self, inst, login, password):
        self.url = f'{inst.url}{inst.database}/rpc/'
        self.login = login
        self.user_id, session = self._call(
            'common.db.login', [login, {'password': password}, 'en'])[:2]
        self.headers = {'Authorization': 'Session ' + base64.b64encode(
                f'{login}:{self.user_id}:{session}'.encode()).decode()}
        self.context = self._call(
            'model.res.user.get_preferences', [True, {}])

    def _call(self, method, params):
        status, body = _post(self.url,
            {'id': next(self._ids), 'method': method, 'params': params},
            getattr(self, 'headers', None))
        if status != 200:
            raise RpcError('HTTPError', body, body, status)
        if 'error' in body:
            error = body['error']
            if (isinstance(error, list) and len(error) == 2
                    and isinstance(error[1], list)):
                kind, args = error
                message = args[1] if kind == 'UserWarning' else args[0]
                raise RpcError(kind, message, error)
            raise RpcError('ServerError', error[0], error)
        return body['result']

    def __call__(self, method, *args, context=None):
        "Call method with args and the user's context (updated by context)"
        return self._call(method, [*args, {**self.context, **(context or {})}])

    def model(self, name):
        return _Model(self, name)


class _Model:
    def __init__(self, rpc, name):
        self._rpc, self._name = rpc, name

    def __getattr__(self, method):
        def call(*args, context=None):
            return self._rpc(f'model.{self._name}.{method}', *args,
                context=context)
        return call


def free_port():
    ports = os.environ.get('CRM_PLUS_PORTS')
    candidates = [0]
    if ports:
        low, high = map(int, ports.split('-'))
        candidates = list(range(low, high + 1))
        secrets.SystemRandom().shuffle(candidates)
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(('127.0.0.1', port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in {ports}")


def instance_env(home):
    """The environment of a command against the instance in home: its own
    configuration, never the test database of the caller"""
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and k not in {'DB_NAME', 'DB_CACHE'}}
    env['CRM_PLUS_HOME'] = str(home)
    return env


def _crm_plus(home, *args, **kwargs):
    return subprocess.run([str(VENV / 'bin' / 'crm-plus'), '--home',
            str(home), *args], env=instance_env(home), **kwargs)


class Instance:
    "A served demo instance (see the module)"

    def __init__(self, backend, config=None, serve_args=()):
        """config: {section: {option: value}} added to trytond.conf (an
        instance of its own, e.g. with a low [crm_api] rate_limit);
        serve_args: arguments of crm-plus serve (e.g. --workers 2)"""
        self.serve_args = list(serve_args)
        assert backend in BACKENDS, f"{backend} is not available"
        self.backend = backend
        self.home = Path(tempfile.mkdtemp(prefix=f'crm-harness-{backend}-'))
        if backend == 'sqlite':
            self.database, uri = 'crm', 'sqlite://'
        else:
            self.database = f'{PG_PREFIX}{os.getpid()}_{secrets.token_hex(3)}'
            uri = PG_URI
        template = self._copy_template()
        port = free_port()
        self.url = f'http://127.0.0.1:{port}/'
        write_config(self.home, listen=f'127.0.0.1:{port}', uri=uri,
            database=self.database)
        if config:
            # into the sections crm-plus init wrote, or new ones
            parser = configparser.ConfigParser(interpolation=None)
            parser.read(self.home / 'trytond.conf', encoding='utf-8')
            for section, options in config.items():
                if not parser.has_section(section):
                    parser.add_section(section)
                for option, value in options.items():
                    parser.set(section, option, str(value))
            with open(self.home / 'trytond.conf', 'w',
                    encoding='utf-8') as conf:
                parser.write(conf)
        shutil.copy(template / 'admin-password', self.home)
        shutil.copy(template / 'db' / 'module-hash',
            self.home / 'db' / f'{self.database}.module-hash')
        self._passwords = {
            'admin': (self.home / 'admin-password').read_text().strip()}
        self._serve()

    # Demo database built once per module version --------------------------
    def _template_database(self):
        return f'{PG_PREFIX}tpl_{self._hash}'

    def _copy_template(self):
        """Copy the demo database (built when missing) to self.database,
        return the home of the demo instance"""
        self._hash = module_hash()[:16]
        home = CACHE / f'{self.backend}-{self._hash}'
        CACHE.mkdir(parents=True, exist_ok=True)
        with open(CACHE / f'{self.backend}.lock', 'w') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (home / 'ready').exists() or not self._template_exists():
                self._build_template(home)
            if self.backend == 'sqlite':
                (self.home / 'db').mkdir()
                # The SQLite backup API: a consistent copy, WAL included
                source = sqlite3.connect(home / 'db' / 'crm.sqlite')
                target = sqlite3.connect(self.home / 'db' / 'crm.sqlite')
                with source, target:
                    source.backup(target)
                source.close()
                target.close()
            else:
                with _pg_connect() as conn:
                    conn.execute(f'CREATE DATABASE "{self.database}" '
                        f'TEMPLATE "{self._template_database()}"')
        return home

    def _build_template(self, home):
        "Build the demo instance in home: crm-plus init --demo"
        # Those of other module versions go
        for old in CACHE.glob(f'{self.backend}-*'):
            shutil.rmtree(old, ignore_errors=True)
        args = ['init', '--demo']
        if self.backend == 'postgresql':
            with _pg_connect() as conn:
                for name, in conn.execute('SELECT datname FROM pg_database '
                        'WHERE datname LIKE %s', (f'{PG_PREFIX}tpl_%',)):
                    conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            args += ['--database-uri', PG_URI,
                '--database', self._template_database()]
        start = time.monotonic()
        process = _crm_plus(home, *args, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, timeout=1800)
        if process.returncode:
            raise RuntimeError(f"crm-plus init --demo failed:\n"
                f"{process.stdout[-4000:]}")
        stamp, = (home / 'db').glob('*.module-hash')
        stamp.rename(home / 'db' / 'module-hash')
        (home / 'ready').touch()
        print(f"\nharness: {self.backend} demo database built in "
            f"{time.monotonic() - start:.0f} s", flush=True)

    def _template_exists(self):
        if self.backend == 'sqlite':
            return True
        with _pg_connect() as conn:
            return bool(conn.execute(
                    'SELECT 1 FROM pg_database WHERE datname = %s',
                    (self._template_database(),)).fetchone())

    # Server ----------------------------------------------------------------
    def _serve(self, log_name='server.log'):
        self.log = self.home / log_name
        with open(self.log, 'wb') as log:
            self.server = subprocess.Popen(
                [str(VENV / 'bin' / 'crm-plus'), '--home', str(self.home),
                    'serve', *self.serve_args], env=instance_env(self.home),
                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"the server exited "
                    f"({self.server.returncode}):\n{self.server_output()}")
            try:
                urllib.request.urlopen(self.url, timeout=5).close()
                return
            except urllib.error.HTTPError:
                return
            except (urllib.error.URLError, OSError):
                # refused, reset or timed out while the workers start
                time.sleep(0.3)
        raise RuntimeError(
            f"the server did not answer on {self.url}:\n"
            f"{self.server_output()}")

    def server_output(self):
        return self.log.read_text(errors='replace')[-4000:]

    def another_server(self, *serve_args):
        """Another server process of the same instance and database, on a
        port of its own: an Instance sharing the users and their passwords,
        whose stop stops only its process"""
        other = copy.copy(self)
        port = free_port()
        other.serve_args = ['--listen', f'127.0.0.1:{port}', *serve_args]
        other.url = f'http://127.0.0.1:{port}/'
        other.__dict__.pop('_admin_rpc', None)
        other._shared = True
        other._serve(f'server-{port}.log')
        return other

    def stop(self):
        self.server.terminate()
        try:
            self.server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        if getattr(self, '_shared', False):
            return
        if self.backend == 'postgresql':
            with _pg_connect() as conn:
                conn.execute(
                    f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        shutil.rmtree(self.home, ignore_errors=True)

    # Users -----------------------------------------------------------------
    def rpc(self, login='admin', password=None):
        return Rpc(self, login, password or self._passwords[login])

    def _admin(self):
        if not hasattr(self, '_admin_rpc'):
            self._admin_rpc = self.rpc()
        return self._admin_rpc

    def ref(self, xml_id):
        "The id of the record with the module.name XML id"
        (db_id,), = self.sql('SELECT db_id FROM ir_model_data '
            'WHERE module = ? AND fs_id = ?', tuple(xml_id.split('.')))
        return db_id

    def password(self, login):
        "Set (once) and return a password for the existing user login"
        if login not in self._passwords:
            password = secrets.token_urlsafe(12)
            User = self._admin().model('res.user')
            user, = User.search([('login', '=', login)], 0, None, None)
            User.write([user], {'password': password})
            self._passwords[login] = password
        return self._passwords[login]

    def user(self, login, groups, employee=True):
        """Create (once) the user login in the groups (XML ids) of the demo
        company, with an employee, and return its password"""
        admin = self._admin()
        User = admin.model('res.user')
        if User.search([('login', '=', login)], 0, None, None):
            return self.password(login)
        password = secrets.token_urlsafe(12)
        company = admin.context['company']
        values = {
            'login': login, 'name': login, 'password': password,
            'groups': [('add', [self.ref(g) for g in groups])],
            'companies': [('add', [company])], 'company': company,
            }
        if employee:
            party, = admin.model('party.party').create([{'name': login}])
            employee, = admin.model('company.employee').create(
                [{'party': party, 'company': company}])
            values.update(employees=[('add', [employee])], employee=employee)
        User.create([values])
        self._passwords[login] = password
        return password

    def rest_key(self, login):
        "A validated res.user.application key of login for 'rest'"
        admin = self._admin()
        user, = admin.model('res.user').search(
            [('login', '=', login)], 0, None, None)
        Application = admin.model('res.user.application')
        # The administrator creates it validated (the validate button is
        # for the key's own user)
        application, = Application.create([{
                    'user': user, 'application': 'rest',
                    'state': 'validated'}])
        key, = Application.read([application], ['key'])
        return key['key']

    def rest(self, method, path, key, params=None, json=None, headers=None):
        """Call the REST API at /<db>/rest/<path> with the key, return
        (status, decoded JSON body or text)"""
        url = f'{self.url}{self.database}/rest/{path}'
        if params:
            url += '?' + urllib.parse.urlencode(params, doseq=True)
        request = urllib.request.Request(url, method=method,
            data=dumps(json).encode() if json is not None else None,
            headers={'Authorization': f'bearer {key}',
                'Content-Type': 'application/json', **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        try:
            return status, loads(body) if body else None
        except ValueError:
            return status, body.decode(errors='replace')

    def api_key(self, login, scopes=None, **values):
        """The secret of a new validated crm_api key of login (created by
        the administrator), with scopes (default all) and other values of
        res.user.application (e.g. expires)"""
        admin = self._admin()
        user, = admin.model('res.user').search(
            [('login', '=', login)], 0, None, None)
        if scopes is None:
            scopes = [s for s, _ in admin(
                    'model.res.user.application.get_scopes')]
        secret = 'crm_' + secrets.token_urlsafe(32)
        admin.model('res.user.application').create([{
                    'application': 'crm_api', 'key': secret, 'user': user,
                    'name': 'test', 'scopes': scopes, 'state': 'validated',
                    **values}])
        return secret

    def api(self, method, path, key, params=None, json=None, headers=None):
        """Call the CRM API at /<db>/api/v1/<path> with the key (None: no
        Authorization), return (status, headers, decoded JSON body or
        text); json may be bytes, sent as they are"""
        url = f'{self.url}{self.database}/api/v1/{path}'
        if params:
            url += '?' + urllib.parse.urlencode(params, doseq=True)
        data = json
        if json is not None and not isinstance(json, bytes):
            data = dumps(json).encode()
        headers = {'Content-Type': 'application/json', **(headers or {})}
        if key is not None:
            headers.setdefault('Authorization', f'Bearer {key}')
        request = urllib.request.Request(url, method=method, data=data,
            headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                status, head, body = (
                    response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            status, head, body = error.code, error.headers, error.read()
        try:
            return status, head, loads(body) if body else None
        except ValueError:
            return status, head, body.decode(errors='replace')

    # Direct SQL ------------------------------------------------------------
    def sql(self, query, params=()):
        "Rows of query ('?' placeholders) run directly on the database"
        if self.backend == 'sqlite':
            conn = sqlite3.connect(
                self.home / 'db' / f'{self.database}.sqlite', timeout=30)
            try:
                return conn.execute(query, params).fetchall()
            finally:
                conn.close()
        with _pg_connect(self.database) as conn:
            return conn.execute(query.replace('?', '%s'), params).fetchall()

    def count(self, table, where='1=1', params=()):
        (count,), = self.sql(
            f'SELECT COUNT(*) FROM "{table}" WHERE {where}', params)
        return count


_instances = {}


def instance(backend='sqlite'):
    "The demo instance of backend for this process (created on first use)"
    if backend not in _instances:
        _instances[backend] = Instance(backend)
        atexit.register(_instances[backend].stop)
    return _instances[backend]
