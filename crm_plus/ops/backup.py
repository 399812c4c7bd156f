"""``crm-plus backup DIR`` and ``crm-plus restore DIR``.

A backup is a folder:

- ``database.sqlite`` (SQLite, copied with the online backup API: a
  consistent copy while the server runs) or ``database.dump``
  (PostgreSQL, ``pg_dump -Fc``: one snapshot of the running database);
- ``filestore/``: the attachment store of the database (the files under
  ``[database] path``/<database>);
- ``admin-password``: the instance's administrator password, which goes
  with its database;
- ``manifest.json``: crm_plus's version, the activated modules with their
  versions, the time, the backend, the database name, the module hash
  and the sha256 of every other file.

Restore checks the checksums (a file changed, missing or added refuses the
backup), refuses a backup of a newer crm_plus, and never replaces an
existing database or attachment store without ``force``.  Every refusal is
a BackupError whose message the command prints (exit code 1).
"""
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

MANIFEST = 'manifest.json'
FORMAT = 1


class BackupError(Exception):
    "A refused backup or restore, with the message for the operator"


def _cli():
    from .. import cli
    return cli


def _version_tuple(version):
    try:
        return tuple(int(p) for p in version.split('.'))
    except (AttributeError, ValueError):
        raise BackupError("the backup's crm_plus version %r is not a "
            "version" % (version,))


def crm_plus_version():
    "The version of the installed crm_plus (its tryton.cfg)"
    from trytond.modules import get_module_info
    return get_module_info('crm_plus')['version']


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as file:
        for chunk in iter(lambda: file.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def _files(folder):
    "The files of folder but the manifest, as sorted relative POSIX paths"
    return sorted(p.relative_to(folder).as_posix()
        for p in folder.rglob('*')
        if p.is_file() and p != folder / MANIFEST)


class _Instance:
    "The database of the instance in home, as its trytond.conf gives it"

    def __init__(self, home):
        cli = _cli()
        self.home = home
        config = cli._trytond_config(home)
        self.uri = config.get('database', 'uri')
        self.path = Path(config.get('database', 'path'))
        self.name = cli.database_name(home)
        scheme = urllib.parse.urlsplit(self.uri).scheme
        if scheme.startswith('sqlite'):
            self.backend = 'sqlite'
        elif scheme.startswith('postgresql'):
            self.backend = 'postgresql'
        else:
            raise BackupError("the database %r is neither SQLite nor "
                "PostgreSQL" % self.uri)

    @property
    def sqlite_file(self):
        return self.path / f'{self.name}.sqlite'

    @property
    def filestore(self):
        return self.path / self.name

    def pg_uri(self, name=None):
        "The libpq URI of the database name (default the instance's)"
        parts = urllib.parse.urlsplit(self.uri)
        return urllib.parse.urlunsplit(
            ('postgresql', parts.netloc, '/' + (name or self.name), '', ''))

    def pg_connect(self, name='postgres'):
        import psycopg
        return psycopg.connect(self.pg_uri(name), autocommit=True,
            connect_timeout=10)

    def exists(self):
        if self.backend == 'sqlite':
            return self.sqlite_file.exists() and bool(
                self.sqlite_file.stat().st_size)
        try:
            with self.pg_connect() as conn:
                return bool(conn.execute(
                        'SELECT 1 FROM pg_database WHERE datname = %s',
                        (self.name,)).fetchone())
        except Exception as error:
            raise BackupError("cannot connect to PostgreSQL (%s): %s"
                % (self.pg_uri('postgres'), error))

    def modules(self, sqlite_file=None):
        "The activated modules with their versions"
        from trytond.modules import get_module_info
        query = ("SELECT name FROM ir_module WHERE state = 'activated' "
            "ORDER BY name")
        if self.backend == 'sqlite':
            conn = sqlite3.connect(sqlite_file or self.sqlite_file)
            try:
                names = [n for n, in conn.execute(query)]
            finally:
                conn.close()
        else:
            with self.pg_connect(self.name) as conn:
                names = [n for n, in conn.execute(query)]
        import trytond
        result = {}
        for name in names:
            # as ir.module gives them; ir and res are trytond's
            info = get_module_info(name) or {}
            result[name] = info.get('version') or trytond.__version__
        return result


def _run(command, what):
    process = subprocess.run(command, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    if process.returncode:
        raise BackupError("%s failed (exit code %d):\n%s" % (
                what, process.returncode, process.stdout.strip()[-2000:]))


def backup(home, folder):
    "Write one backup of the instance in home into folder; return manifest"
    home, folder = Path(home), Path(folder)
    cli = _cli()
    if not cli.config_file(home).exists():
        raise BackupError("no instance in %s (no trytond.conf)" % home)
    instance = _Instance(home)
    if not instance.exists():
        raise BackupError("the database %r of %s does not exist"
            % (instance.name, home))
    if folder.exists() and any(folder.iterdir()):
        raise BackupError("%s is not empty: a backup goes into a new or "
            "empty folder" % folder)
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    # it holds the customers' personal data
    folder.chmod(0o700)
    try:
        return _backup(home, instance, folder)
    except BaseException:
        # no half-written backup left: the folder as it was
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for path in folder.iterdir():
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
        raise


def _backup(home, instance, folder):
    cli = _cli()
    started = dt.datetime.now(dt.timezone.utc)
    if instance.backend == 'sqlite':
        target_file = folder / 'database.sqlite'
        source = sqlite3.connect(instance.sqlite_file, timeout=60)
        target = sqlite3.connect(target_file)
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
        modules = instance.modules(target_file)
    else:
        modules = instance.modules()
        _run(['pg_dump', '-Fc', '--no-owner', '--no-acl', '-f',
                str(folder / 'database.dump'), '-d', instance.pg_uri()],
            "pg_dump")
    store = folder / 'filestore'
    if instance.filestore.is_dir():
        shutil.copytree(instance.filestore, store)
    else:
        store.mkdir()
    password = cli.password_file(home)
    if password.exists():
        shutil.copy(password, folder / 'admin-password')
        (folder / 'admin-password').chmod(0o600)
    stamp = cli._stamp(home)
    manifest = {
        'format': FORMAT,
        'crm_plus_version': crm_plus_version(),
        'modules': modules,
        'time': started.isoformat(timespec='seconds'),
        'backend': instance.backend,
        'database': instance.name,
        'module_hash': stamp.read_text() if stamp.exists() else None,
        'files': {name: _sha256(folder / name) for name in _files(folder)},
        }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + '\n',
        encoding='utf-8')
    return manifest


def read_manifest(folder):
    "The manifest of the backup in folder, its files checked"
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError("%s is not a crm-plus backup (no %s)"
            % (folder, MANIFEST))
    try:
        manifest = json.loads(path.read_text(encoding='utf-8'))
        files = manifest['files']
        manifest['crm_plus_version'], manifest['backend']
        manifest['database']
    except (ValueError, KeyError, TypeError):
        raise BackupError("the manifest of %s is not readable" % folder)
    if manifest.get('format', FORMAT) > FORMAT:
        raise BackupError("the backup %s is of a newer format (%s)"
            % (folder, manifest['format']))
    present = set(_files(folder))
    missing = sorted(set(files) - present)
    if missing:
        raise BackupError("the backup is incomplete: %s missing"
            % ', '.join(missing))
    added = sorted(present - set(files))
    if added:
        raise BackupError("the backup holds files its manifest does not "
            "list: %s" % ', '.join(added))
    changed = [name for name in sorted(files)
        if _sha256(folder / name) != files[name]]
    if changed:
        raise BackupError("the backup is damaged or was altered: the "
            "checksum of %s does not match its manifest"
            % ', '.join(changed))
    return manifest


def restore(home, folder, force=False, database_uri=None, database=None):
    """Restore the backup in folder into the instance in home (written as
    crm-plus init does when there is none); return the manifest"""
    home, folder = Path(home), Path(folder)
    cli = _cli()
    manifest = read_manifest(folder)
    version = manifest['crm_plus_version']
    if _version_tuple(version) > _version_tuple(crm_plus_version()):
        raise BackupError("the backup is of crm_plus %s, newer than this "
            "one (%s): restore it with crm_plus %s or later"
            % (version, crm_plus_version(), version))
    backend = manifest['backend']
    if backend not in {'sqlite', 'postgresql'}:
        raise BackupError("unknown backend %r in the manifest" % backend)
    if not cli.config_file(home).exists():
        if backend == 'postgresql' and not database_uri:
            raise BackupError("a PostgreSQL backup needs --database-uri "
                "(postgresql://user@host:5432/) for a new instance")
        uri = database_uri or 'sqlite://'
        if not uri.startswith(backend):
            raise BackupError("the backup is of a %s database, not %s"
                % (backend, uri))
        cli.write_config(home, uri=uri,
            database=database or manifest['database'])
    elif database_uri or database:
        raise BackupError("%s has an instance already: its trytond.conf "
            "gives the database (no --database-uri/--database)" % home)
    instance = _Instance(home)
    if instance.backend != backend:
        raise BackupError("the backup is of a %s database, the instance "
            "in %s is %s" % (backend, home, instance.backend))
    if instance.exists() and not force:
        raise BackupError("the database %r of %s exists: restoring "
            "replaces it, add --force to do so (stop its server first)"
            % (instance.name, home))
    if instance.filestore.is_dir() and any(instance.filestore.iterdir()) \
            and not force:
        raise BackupError("the attachment store %s exists: restoring "
            "replaces it, add --force to do so" % instance.filestore)
    instance.path.mkdir(parents=True, exist_ok=True)
    if backend == 'sqlite':
        _restore_sqlite(instance, folder / 'database.sqlite')
    else:
        _restore_postgresql(instance, folder / 'database.dump')
    # the attachment store: replaced whole, through a temporary copy
    store = instance.filestore
    fresh = Path(tempfile.mkdtemp(prefix='.restore-', dir=instance.path))
    shutil.copytree(folder / 'filestore', fresh / 'store')
    if store.exists():
        shutil.rmtree(store)
    (fresh / 'store').rename(store)
    fresh.rmdir()
    if (folder / 'admin-password').exists():
        target = cli.password_file(home)
        shutil.copy(folder / 'admin-password', target)
        target.chmod(0o600)
    stamp = cli._stamp(home)
    if manifest.get('module_hash'):
        stamp.write_text(manifest['module_hash'])
    else:
        stamp.unlink(missing_ok=True)
    return manifest


def _restore_sqlite(instance, source_file):
    "Copy the backup into a new file beside the database, then swap them"
    target_file = instance.sqlite_file
    handle, temp = tempfile.mkstemp(prefix='.restore-', suffix='.sqlite',
        dir=target_file.parent)
    os.close(handle)
    try:
        source = sqlite3.connect(source_file)
        target = sqlite3.connect(temp)
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
        for suffix in ('-wal', '-shm', '-journal'):
            Path(str(target_file) + suffix).unlink(missing_ok=True)
        os.replace(temp, target_file)
    finally:
        Path(temp).unlink(missing_ok=True)


def _restore_postgresql(instance, dump):
    with instance.pg_connect() as conn:
        conn.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)'
            % instance.name.replace('"', '""'))
        conn.execute('CREATE DATABASE "%s" ENCODING \'UTF8\' '
            'TEMPLATE template0' % instance.name.replace('"', '""'))
    _run(['pg_restore', '--no-owner', '--no-acl', '--exit-on-error',
            '-d', instance.pg_uri(), str(dump)], "pg_restore")
