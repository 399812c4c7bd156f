"""The ``crm-plus`` command: what an operator does with a crm_plus instance.

It wraps the stock Tryton commands (``trytond-admin``, ``trytond``); it does
not re-implement them.  An instance lives in one folder (``--home``, default
``$CRM_PLUS_HOME`` or ``./.crm``) holding ``trytond.conf``, the SQLite
database and the generated administrator password.
"""
import argparse
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from .sources import module_hash

DATABASE = 'crm'
MODULE = 'crm_plus'
ADMIN_LOGIN = 'admin'

CONFIG_TEMPLATE = """\
# Written by crm-plus init; edit freely, it is not overwritten.
[database]
uri = {uri}
path = {db_dir}
language = zh_CN

[web]
listen = {listen}
root = {sao}

[session]
max_attempt = 5
{cache}[email]
from = crm@localhost

[crm_plus]
# the database crm-plus serves, upgrades and imports into
database = {database}
# the name the web client shows instead of "Tryton"
title = CRM Plus

[crm_api]
# the API documentation viewer (swagger-ui-dist from npm, installed by ./crm)
docs_root = {docs}
"""

# Several processes on one PostgreSQL database (WSGI workers, cron, queue
# workers) invalidate their caches at once through LISTEN/NOTIFY.  Not on
# SQLite: there trytond polls a table instead, every clean_timeout seconds.
POSTGRESQL_CACHE = """
[cache]
clean_timeout = 0
"""


def _home(args):
    return Path(args.home or os.environ.get('CRM_PLUS_HOME') or '.crm'
        ).resolve()


def _bin(name):
    "Return the path of a console script installed beside this Python"
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def config_file(home):
    return home / 'trytond.conf'


def password_file(home):
    return home / 'admin-password'


def write_config(home, listen='127.0.0.1:8000', sao=None, uri=None,
        database=DATABASE):
    "Write trytond.conf once; an existing file is kept as the user left it"
    home.mkdir(parents=True, exist_ok=True)
    path = config_file(home)
    if not path.exists():
        sao = sao or os.environ.get('CRM_PLUS_SAO') or (home / 'sao')
        docs = (os.environ.get('CRM_PLUS_API_DOCS')
            or Path(sao).resolve().parent / '.api-docs')
        uri = uri or 'sqlite://'
        cache = POSTGRESQL_CACHE if uri.startswith('postgresql') else ''
        path.write_text(CONFIG_TEMPLATE.format(
                uri=uri, db_dir=home / 'db', listen=listen, sao=sao, docs=docs,
                cache=cache, database=database), encoding='utf-8')
    (home / 'db').mkdir(exist_ok=True)
    return path


def admin_password(home):
    "Return the administrator password, generated on first use"
    path = password_file(home)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(9) + '\n')
        path.chmod(0o600)
    return path.read_text().strip()


def _trytond_config(home):
    import trytond.config as config
    config.update_etc(str(config_file(home)))
    return config


def database_name(home):
    "The instance's database ([crm_plus] database of trytond.conf)"
    return _trytond_config(home).get('crm_plus', 'database', default=DATABASE)


def _database_exists(home):
    config = _trytond_config(home)
    uri = config.get('database', 'uri')
    name = database_name(home)
    if uri.startswith('sqlite'):
        return (home / 'db' / f'{name}.sqlite').exists()
    from trytond.transaction import Transaction
    with Transaction().start(None, 0, close=True) as transaction:
        return name in transaction.database.list()


def _stamp(home):
    return home / 'db' / f'{database_name(home)}.module-hash'


def cmd_init(args):
    home = _home(args)
    conf = write_config(home, listen=args.listen, uri=args.database_uri,
        database=args.database)
    password = admin_password(home)
    config = _trytond_config(home)
    database = database_name(home)
    env = dict(os.environ)
    created = False
    if not _database_exists(home):
        if config.get('database', 'uri').startswith('sqlite'):
            (home / 'db' / f'{database}.sqlite').touch()
        else:
            from trytond.transaction import Transaction
            with Transaction().start(
                    None, 0, close=True, autocommit=True) as transaction:
                transaction.database.create(
                    transaction.connection, database)
        created = True
    wanted = module_hash()
    stamp = _stamp(home)
    if created or not stamp.exists() or stamp.read_text() != wanted:
        pass_path = home / '.admin-pass'
        pass_path.write_text(password)
        pass_path.chmod(0o600)
        env['TRYTONPASSFILE'] = str(pass_path)
        command = [_bin('trytond-admin'), '-c', str(conf), '-d', database,
            '-u', MODULE, '--activate-dependencies', '-l', 'zh_CN', '-l', 'en']
        print("crm-plus: %s the database %r" % (
                "creating" if created else "upgrading", database),
            flush=True)
        try:
            # A new database asks for the admin e-mail: answer none (trytond's
            # --email checks the domain in DNS, which fails offline)
            subprocess.run(command, env=env, check=True, input='\n',
                text=True)
        finally:
            pass_path.unlink(missing_ok=True)
        stamp.write_text(wanted)
    else:
        print("crm-plus: database %r is up to date" % database, flush=True)
    if args.demo:
        from .demo import load_demo
        load_demo(str(conf), database)
    return 0


def cmd_demo(args):
    from .demo import load_demo
    home = _home(args)
    load_demo(str(config_file(home)), database_name(home))
    return 0


# The processes of a production instance under supervisord (from PyPI):
# gunicorn's WSGI workers (gunicorn restarts a crashed one), the queue
# workers and one cron process, restarted when they exit, each logging to
# its file in <home>/log; stopping supervisord stops them all.
SUPERVISOR_TEMPLATE = """\
; Written by crm-plus serve --workers at each start: edit trytond.conf instead.
[supervisord]
nodaemon = true
logfile = {log}/supervisord.log
pidfile = {home}/supervisord.pid
childlogdir = {log}
environment = TRYTOND_CONFIG="{conf}",TRYTOND_DATABASE_NAMES="{database}",TRYTOND_QUEUE__WORKER="True"

[unix_http_server]
file = {home}/supervisor.sock
chmod = 0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl = unix://{home}/supervisor.sock

[program:web]
command = {gunicorn} --workers {workers} --bind {listen} --control-socket {home}/gunicorn.ctl --timeout {timeout} --graceful-timeout 30 --max-requests 5000 --max-requests-jitter 500 trytond.modules.crm_plus.wsgi:app
stdout_logfile = {log}/web.log
redirect_stderr = true
autorestart = true
stopasgroup = true
killasgroup = true

[program:queue]
command = {worker} -c {conf} -d {database} -n {queue_workers}
stdout_logfile = {log}/queue.log
redirect_stderr = true
autorestart = true
stopasgroup = true
killasgroup = true

[program:cron]
command = {cron} -c {conf} -d {database}
stdout_logfile = {log}/cron.log
redirect_stderr = true
autorestart = true
stopasgroup = true
killasgroup = true
"""


def supervisor_config(home, listen, workers, queue_workers):
    "Write <home>/supervisord.conf for serve --workers, return its path"
    config = _trytond_config(home)
    log = home / 'log'
    log.mkdir(exist_ok=True)
    path = home / 'supervisord.conf'
    path.write_text(SUPERVISOR_TEMPLATE.format(
            home=home, log=log, conf=config_file(home),
            database=database_name(home), listen=listen, workers=workers,
            queue_workers=queue_workers,
            timeout=config.getint('request', 'timeout', default=60) + 30,
            gunicorn=_bin('gunicorn'), worker=_bin('trytond-worker'),
            cron=_bin('trytond-cron')))
    return path


def cmd_serve(args):
    home = _home(args)
    conf = config_file(home)
    if not conf.exists():
        sys.exit("crm-plus: no instance in %s, run 'crm-plus init' first"
            % home)
    if args.workers:
        return _serve_workers(home, args)
    # Load the database at start: trytond 8.0 does not load it when the
    # first request is a login ("KeyError: 'res.user'")
    command = [_bin('trytond'), '-d', database_name(home), '-c', str(conf)]
    listen = args.listen or os.environ.get('TRYTOND_WEB__LISTEN')
    if listen:
        # trytond.conf overrides the environment: the address goes in a
        # configuration file read after it
        override = home / 'listen.conf'
        override.write_text("[web]\nlisten = %s\n" % listen)
        command.append(str(override))
    else:
        listen = _trytond_config(home).get('web', 'listen')
    print("crm-plus: web client at http://%s/  login: %s  password: %s"
        % (listen, ADMIN_LOGIN, admin_password(home)), flush=True)
    os.execv(command[0] if os.path.isabs(command[0])
        else shutil.which(command[0]), command)


def _serve_workers(home, args):
    """Serve with args.workers WSGI workers, args.queue_workers queue
    workers and the cron process, supervised (PostgreSQL only)"""
    config = _trytond_config(home)
    if not config.get('database', 'uri').startswith('postgresql'):
        sys.exit("crm-plus: several processes need PostgreSQL; SQLite is "
            "served by one process: 'crm-plus serve' without --workers")
    if args.workers < 1 or args.queue_workers < 1:
        sys.exit("crm-plus: --workers and --queue-workers count from 1")
    listen = (args.listen or os.environ.get('TRYTOND_WEB__LISTEN')
        or config.get('web', 'listen'))
    path = supervisor_config(home, listen, args.workers, args.queue_workers)
    print("crm-plus: web client at http://%s/  login: %s  password: %s\n"
        "crm-plus: %d web workers, %d queue workers and the cron, logs in %s"
        % (listen, ADMIN_LOGIN, admin_password(home), args.workers,
            args.queue_workers, home / 'log'), flush=True)
    supervisord = _bin('supervisord')
    os.execv(supervisord if os.path.isabs(supervisord)
        else shutil.which(supervisord), [supervisord, '-c', str(path)])


def cmd_import(args):
    """Import a CSV file of customers, contacts or interactions

    The database is the instance's (``--home``) unless ``--database`` names
    another one of the same server.
    """
    home = _home(args)
    database = args.database
    if config_file(home).exists():
        database = database or database_name(home)
    database = database or DATABASE
    from trytond.exceptions import UserError
    from trytond.modules.crm_plus.customer.importer import Importer
    importer = None
    try:
        importer = Importer(database, args.kind, user=args.user,
            batch_size=args.batch_size)
        summary = importer.run(Path(args.file), report=args.report)
    except UserError as error:
        if importer and importer.report_written:
            print("crm-plus: the status of each row is in %s" % args.report,
                file=sys.stderr)
        sys.exit("crm-plus: %s" % error.message)
    print(summary, flush=True)
    if args.report:
        print("crm-plus: the status of each row is in %s" % args.report)
    return 0


def merge_sao_locale(sao):
    """Merge the translations of crm_plus/locale/sao/<lang>.po into the
    web client's locale/<lang>.json (sao's compiled catalogue, a JSON object
    of msgid: [plural, translation...]); running it again changes nothing"""
    import json

    import polib
    for po_path in sorted((Path(__file__).parent / 'locale' / 'sao').glob(
                '*.po')):
        json_path = Path(sao) / 'locale' / (po_path.stem + '.json')
        catalogue = json.loads(json_path.read_text(encoding='utf-8'))
        for entry in polib.pofile(str(po_path)):
            if entry.msgstr and not entry.obsolete:
                catalogue[entry.msgid] = [None, entry.msgstr]
        json_path.write_text(json.dumps(catalogue, ensure_ascii=False),
            encoding='utf-8')


def cmd_sao_locale(args):
    merge_sao_locale(args.sao)
    return 0


def cmd_backup(args):
    from .ops.backup import BackupError, backup
    try:
        manifest = backup(_home(args), Path(args.dir))
    except BackupError as error:
        sys.exit("crm-plus: %s" % error)
    print("crm-plus: backup of the %s database %r (%d files) in %s"
        % (manifest['backend'], manifest['database'], len(manifest['files']),
            Path(args.dir).resolve()), flush=True)
    return 0


def cmd_restore(args):
    from .ops.backup import BackupError, restore
    home = _home(args)
    try:
        manifest = restore(home, Path(args.dir), force=args.force,
            database_uri=args.database_uri, database=args.database)
    except BackupError as error:
        sys.exit("crm-plus: %s" % error)
    print("crm-plus: restored the backup of %s (crm_plus %s) into the "
        "database %r of %s" % (manifest['time'], manifest['crm_plus_version'],
            database_name(home), home), flush=True)
    return 0


def cmd_test(args):
    from .testing import run_tests
    return run_tests(args.paths, verbosity=args.verbosity)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='crm-plus', description=__doc__)
    parser.add_argument('--home', help="instance folder (default: "
        "$CRM_PLUS_HOME or ./.crm)")
    sub = parser.add_subparsers(dest='command', required=True)

    init = sub.add_parser('init',
        help="create or upgrade the database and activate crm_plus")
    init.add_argument('--demo', action='store_true',
        help="also load the demo data (once)")
    init.add_argument('--listen', default='127.0.0.1:8000',
        help="address written into a new trytond.conf")
    init.add_argument('--database-uri', metavar='URI',
        help="[database] uri written into a new trytond.conf (default "
        "sqlite://; postgresql://user@host:5432/ for PostgreSQL)")
    init.add_argument('--database', default=DATABASE, metavar='NAME',
        help="database name written into a new trytond.conf (default %s)"
        % DATABASE)
    init.set_defaults(func=cmd_init)

    demo = sub.add_parser('demo', help="load the demo data (once)")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser('serve', help="run the server and web client")
    serve.add_argument('--listen', help="host:port, overrides trytond.conf")
    serve.add_argument('--workers', type=int, default=0, help="production "
        "(PostgreSQL): serve with this many WSGI worker processes "
        "(gunicorn), queue workers and the cron, under supervisord")
    serve.add_argument('--queue-workers', type=int, default=1,
        help="with --workers: the number of trytond-worker processes")
    serve.set_defaults(func=cmd_serve)

    import_ = sub.add_parser('import',
        help="import a CSV file (customers, contacts, interactions, leads)")
    import_.add_argument('kind', help="what the file holds: customers, "
        "contacts, interactions, leads")
    import_.add_argument('file', help="the CSV file (UTF-8 or GB18030)")
    import_.add_argument('--batch-size', type=int, default=1000,
        help="rows saved per transaction (default 1000)")
    import_.add_argument('--report',
        help="CSV file receiving every row with its status (imported, "
        "rejected with the reason, not imported)")
    import_.add_argument('--database',
        help="database name (default: the instance's, %s)" % DATABASE)
    import_.add_argument('--user', default=ADMIN_LOGIN,
        help="login of the user importing (default %s)" % ADMIN_LOGIN)
    import_.set_defaults(func=cmd_import)

    sao_locale = sub.add_parser('sao-locale',
        help="add crm_plus's translations of the web client to it")
    sao_locale.add_argument('sao', help="the web client's folder")
    sao_locale.set_defaults(func=cmd_sao_locale)

    backup = sub.add_parser('backup', help="write a backup of the "
        "instance (database, attachments, manifest) into a folder")
    backup.add_argument('dir', help="the folder of the backup (new or "
        "empty)")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser('restore', help="restore a backup into the "
        "instance (a new one if the folder has none)")
    restore.add_argument('dir', help="the folder of the backup")
    restore.add_argument('--force', action='store_true',
        help="replace the instance's existing database and attachments")
    restore.add_argument('--database-uri', metavar='URI',
        help="for a new instance: [database] uri of its trytond.conf "
        "(default sqlite://; needed for a PostgreSQL backup)")
    restore.add_argument('--database', metavar='NAME',
        help="for a new instance: its database name (default the "
        "backup's)")
    restore.set_defaults(func=cmd_restore)

    test = sub.add_parser('test', help="run the test suite")
    test.add_argument('paths', nargs='*',
        help="extra folders of system tests to run after the module tests")
    test.add_argument('-v', '--verbosity', type=int, default=1)
    test.set_defaults(func=cmd_test)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == '__main__':
    sys.exit(main())
