"""crm-plus backup and restore over real instances, on every backend.

A served demo instance gets a customer with an attachment and is backed up
while its server runs; then its data changes.  The backup is restored into
a new home (a new instance written as crm-plus init does, served and read
over JSON-RPC) and into the same home with --force; the records and the
attachment are those of the backup.  Restore refuses an existing database
without --force, a file whose checksum differs from the manifest and a
backup of a newer crm_plus, with a message and no traceback.
"""
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import types
import unittest
from pathlib import Path

from harness import (
    BACKENDS, PG_PREFIX, PG_URI, VENV, Instance, Rpc, _pg_connect, free_port,
    instance_env)

ATTACHMENT = "合同扫描件.pdf".encode() + secrets.token_bytes(2048)


def crm_plus(home, *args):
    "Run crm-plus --home home args..., return the completed process"
    return subprocess.run([str(VENV / 'bin' / 'crm-plus'), '--home',
            str(home), *args], env=instance_env(home), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)


class BackupTest:
    backend = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inst = Instance(cls.backend)
        cls.tmp = Path(tempfile.mkdtemp(prefix='crm-backup-test-'))
        cls.databases = []
        admin = cls.inst.rpc()
        Party = admin.model('party.party')
        cls.party, = Party.create([{'name': "备份测试客户"}])
        cls.attachment, = admin.model('ir.attachment').create([{
                    'name': "合同.pdf", 'resource': f'party.party,{cls.party}',
                    'type': 'data', 'data': ATTACHMENT}])
        cls.parties = cls.inst.count('party_party')
        cls.backup = cls.tmp / 'backup'
        start = time.monotonic()
        cls.result = crm_plus(cls.inst.home, 'backup', str(cls.backup))
        cls.backup_seconds = time.monotonic() - start
        # the data changes after the backup
        Party.write([cls.party], {'name': "改名后的客户"})
        admin.model('ir.attachment').delete([cls.attachment])
        cls.later, = Party.create([{'name': "备份之后的客户"}])

    @classmethod
    def tearDownClass(cls):
        cls.inst.stop()
        if cls.backend == 'postgresql':
            with _pg_connect() as conn:
                for name in cls.databases:
                    conn.execute(
                        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def assertRefused(self, process, message):
        self.assertNotEqual(process.returncode, 0, process.stdout)
        self.assertIn(message, process.stderr)
        self.assertNotIn('Traceback', process.stderr)

    def new_home(self):
        "A new home and the restore arguments of a new instance in it"
        home = self.tmp / f'home-{secrets.token_hex(3)}'
        if self.backend == 'sqlite':
            return home, []
        name = f'{PG_PREFIX}r_{os.getpid()}_{secrets.token_hex(3)}'
        self.databases.append(name)
        return home, ['--database-uri', PG_URI, '--database', name]

    def copy_backup(self):
        copy = self.tmp / f'copy-{secrets.token_hex(3)}'
        shutil.copytree(self.backup, copy)
        return copy

    def check_restored(self, rpc):
        "The records and the attachment are those of the backup"
        Party = rpc.model('party.party')
        party, = Party.read([self.party], ['name'])
        self.assertEqual(party['name'], "备份测试客户")
        self.assertEqual(Party.search([('id', '=', self.later)],
                0, None, None), [])
        self.assertEqual(Party.search_count([]), self.parties)
        attachment, = rpc.model('ir.attachment').read(
            [self.attachment], ['name', 'data', 'resource'])
        self.assertEqual(attachment['name'], "合同.pdf")
        self.assertEqual(attachment['data'], ATTACHMENT)
        self.assertEqual(attachment['resource'], f'party.party,{self.party}')

    def test_backup(self):
        "The backup holds the database, the attachment and its manifest"
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        print(f"\n{self.backend}: backup in {self.backup_seconds:.1f} s",
            flush=True)
        manifest = json.loads((self.backup / 'manifest.json').read_text())
        self.assertEqual(manifest['backend'], self.backend)
        self.assertEqual(manifest['database'], self.inst.database)
        self.assertIn('crm_plus', manifest['modules'])
        self.assertEqual(manifest['modules']['crm_plus'],
            manifest['crm_plus_version'])
        self.assertTrue(manifest['time'])
        database = ('database.sqlite' if self.backend == 'sqlite'
            else 'database.dump')
        self.assertIn(database, manifest['files'])
        stored = [n for n in manifest['files'] if n.startswith('filestore/')]
        self.assertIn(ATTACHMENT, [(self.backup / n).read_bytes()
                for n in stored])
        # a second backup into the same folder is refused
        self.assertRefused(crm_plus(self.inst.home, 'backup',
                str(self.backup)), "not empty")

    def test_restore_new_home(self):
        "Restored into a new home, the instance serves the backup's data"
        home, args = self.new_home()
        start = time.monotonic()
        process = crm_plus(home, 'restore', str(self.backup), *args)
        print(f"\n{self.backend}: restore in {time.monotonic() - start:.1f} s",
            flush=True)
        self.assertEqual(process.returncode, 0, process.stderr)
        self.assertTrue((home / 'trytond.conf').exists())
        # restoring again without --force is refused
        self.assertRefused(crm_plus(home, 'restore', str(self.backup)),
            "--force")
        port = free_port()
        with open(home / 'server.log', 'wb') as log:
            server = subprocess.Popen([str(VENV / 'bin' / 'crm-plus'),
                    '--home', str(home), 'serve', '--listen',
                    f'127.0.0.1:{port}'], env=instance_env(home),
                stdout=log, stderr=subprocess.STDOUT)
        try:
            served = types.SimpleNamespace(url=f'http://127.0.0.1:{port}/',
                database=(args[-1] if args else 'crm'))
            password = (home / 'admin-password').read_text().strip()
            rpc = self.login(served, password, server, home)
            self.check_restored(rpc)
        finally:
            server.terminate()
            server.wait(timeout=30)

    def login(self, served, password, server, home):
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                self.fail((home / 'server.log').read_text()[-3000:])
            try:
                return Rpc(served, 'admin', password)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def test_restore_same_home(self):
        "Restored into its own home with --force, the changes are undone"
        inst = self.inst
        inst.server.terminate()
        inst.server.wait(timeout=30)
        try:
            self.assertRefused(crm_plus(inst.home, 'restore',
                    str(self.backup)), "--force")
            process = crm_plus(inst.home, 'restore', str(self.backup),
                '--force')
            self.assertEqual(process.returncode, 0, process.stderr)
        finally:
            inst._serve()
        inst.__dict__.pop('_admin_rpc', None)
        self.check_restored(inst.rpc())

    def test_refuse_tampered(self):
        "A file whose checksum differs from the manifest is refused"
        copy = self.copy_backup()
        manifest = json.loads((copy / 'manifest.json').read_text())
        stored = next(n for n in manifest['files']
            if n.startswith('filestore/'))
        with open(copy / stored, 'r+b') as file:
            data = bytearray(file.read())
            data[0] ^= 1
            file.seek(0)
            file.write(data)
        home, args = self.new_home()
        self.assertRefused(crm_plus(home, 'restore', str(copy), *args),
            "checksum")
        self.assertFalse((home / 'trytond.conf').exists())
        # an added file too
        shutil.copy(self.backup / stored, copy / stored)
        (copy / 'filestore' / 'extra').write_bytes(b'x')
        self.assertRefused(crm_plus(home, 'restore', str(copy), *args),
            "does not list")

    def test_refuse_newer_version(self):
        "A backup of a newer crm_plus is refused"
        copy = self.copy_backup()
        path = copy / 'manifest.json'
        manifest = json.loads(path.read_text())
        major, *rest = manifest['crm_plus_version'].split('.')
        manifest['crm_plus_version'] = '.'.join([str(int(major) + 1), *rest])
        path.write_text(json.dumps(manifest))
        home, args = self.new_home()
        self.assertRefused(crm_plus(home, 'restore', str(copy), *args),
            "newer")
        self.assertFalse((home / 'trytond.conf').exists())

    def test_refuse_not_a_backup(self):
        "A folder without a manifest is refused"
        home, args = self.new_home()
        self.assertRefused(crm_plus(home, 'restore', str(self.tmp), *args),
            "not a crm-plus backup")


for _backend in BACKENDS:
    _name = f'{_backend.capitalize()}BackupTest'
    globals()[_name] = type(_name, (BackupTest, unittest.TestCase),
        {'backend': _backend})
del _backend, _name
