"""The repository holds crm_plus only; ``./crm`` installs the frameworks.

* no vendored framework code (sao, trytond, node_modules, a virtual
  environment) is tracked by git;
* ``./crm``'s web_client step installs sao from npm whenever the checkout has
  no ``.sao/.installed`` marker of the wanted series, and skips it otherwise;
  its api_docs_viewer step does the same for Swagger UI in ``.api-docs``.
  npm is replaced by a script on PATH that records its calls and builds a
  package as ``npm pack`` does: the test checks the script's steps, not npm.
"""
import os
import subprocess
import tarfile
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Folders of code that belongs to other projects
VENDORED_DIRS = {
    '.sao', '.api-docs', 'node_modules', '.venv', 'venv', 'site-packages', 'trytond',
    'sao', 'bower_components'}
VENDORED_FILES = {
    'tryton-sao.js', 'tryton-sao.css', 'swagger-ui-bundle.js', 'swagger-ui.css'}

FAKE_NPM = """#!/bin/sh
echo "$*" >> "$NPM_LOG"
case "$1" in
    pack) cp "$NPM_PACKAGE" ./${NPM_PACKAGE_NAME:-tryton-sao-8.0.11.tgz} ;;
    install) mkdir -p node_modules/jquery ;;
esac
"""


# crm_plus's own translations, of sao strings too (crm_plus/locale/sao/)
OWN_DIRS = ('crm_plus', 'locale')


def vendored(paths):
    return [
        p for p in paths
        if Path(p).parts[:2] != OWN_DIRS
        and (VENDORED_DIRS & set(Path(p).parts[:-1])
            or Path(p).name in VENDORED_FILES)]


class RepositoryTest(unittest.TestCase):

    def test_vendored_rule(self):
        "The rule recognises vendored paths and leaves crm_plus's alone"
        self.assertEqual(vendored([
                    '.sao/.installed', '.sao/dist/tryton-sao.js',
                    'x/node_modules/a/index.js', 'crm_plus/cli.py',
                    '.api-docs/swagger-ui-bundle.js',
                    'crm_plus/api/docs.py',
                    'crm_plus/sales/view/pipeline_form.xml', 'crm',
                    'crm_plus/locale/sao/zh_CN.po']),
            ['.sao/.installed', '.sao/dist/tryton-sao.js',
                'x/node_modules/a/index.js',
                '.api-docs/swagger-ui-bundle.js'])

    @unittest.skipUnless((REPO / '.git').exists(), "not a git checkout")
    def test_no_vendored_code_tracked(self):
        "git tracks no framework code nor node_modules"
        tracked = subprocess.run(
            ['git', 'ls-files', '-z'], cwd=REPO, check=True,
            capture_output=True, text=True).stdout.split('\0')
        self.assertIn('crm_plus/tryton.cfg', tracked)
        found = vendored(tracked)
        self.assertFalse(
            found, f"{len(found)} vendored files tracked, e.g. {found[:5]}")

    def _web_client(self, tmp, sao):
        env = dict(os.environ,
            CRM_PLUS_SAO=str(sao),
            NPM_LOG=str(tmp / 'npm.log'),
            NPM_PACKAGE=str(tmp / 'package.tgz'),
            PATH=f"{tmp / 'bin'}{os.pathsep}{os.environ['PATH']}")
        subprocess.run(
            ['bash', '-c', 'source "$0" && web_client', str(REPO / 'crm')],
            env=env, check=True, capture_output=True)
        log = tmp / 'npm.log'
        return log.read_text().splitlines() if log.exists() else []

    def test_web_client_installed_without_marker(self):
        "./crm installs sao from npm when .sao/.installed is absent"
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            (tmp / 'bin').mkdir()
            npm = tmp / 'bin' / 'npm'
            npm.write_text(FAKE_NPM)
            npm.chmod(0o755)
            index = tmp / 'index.html'
            index.write_text('<html></html>')
            # the catalogue ./crm merges crm_plus's sao translations into
            catalogue = tmp / 'zh_CN.json'
            catalogue.write_text('{}')
            with tarfile.open(tmp / 'package.tgz', 'w:gz') as package:
                package.add(index, 'package/index.html')
                package.add(catalogue, 'package/locale/zh_CN.json')
            sao = tmp / 'sao'
            sao.mkdir()
            (sao / 'stale.js').write_text('')

            calls = self._web_client(tmp, sao)
            self.assertEqual(len(calls), 2, calls)
            self.assertTrue(calls[0].startswith('pack '), calls)
            self.assertIn('tryton-sao@8.0', calls[0])
            self.assertTrue(calls[1].startswith('install '), calls)
            self.assertTrue((sao / 'index.html').exists())
            self.assertTrue((sao / 'node_modules' / 'jquery').is_dir())
            self.assertFalse((sao / 'stale.js').exists())
            self.assertEqual((sao / '.installed').read_text().strip(), '8.0')

            # installed: a second run does not call npm
            self.assertEqual(self._web_client(tmp, sao), calls)

            # a marker of another series (or an empty one) reinstalls
            (sao / '.installed').write_text('')
            self.assertEqual(len(self._web_client(tmp, sao)), 4)

    def test_api_docs_viewer_installed_without_marker(self):
        "./crm installs Swagger UI from npm without .api-docs/.installed"
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            (tmp / 'bin').mkdir()
            npm = tmp / 'bin' / 'npm'
            npm.write_text(FAKE_NPM)
            npm.chmod(0o755)
            files = ['swagger-ui-bundle.js', 'swagger-ui.css',
                'swagger-ui-bundle.js.LICENSE.txt', 'LICENSE', 'NOTICE',
                'package.json', 'swagger-ui.js', 'index.html']
            with tarfile.open(tmp / 'package.tgz', 'w:gz') as package:
                for name in files:
                    source = tmp / name.replace('/', '_')
                    source.write_text(name)
                    package.add(source, f'package/{name}')
            viewer = tmp / 'api-docs'
            viewer.mkdir()
            (viewer / 'stale.js').write_text('')
            env = dict(os.environ,
                CRM_PLUS_API_DOCS=str(viewer),
                NPM_LOG=str(tmp / 'npm.log'),
                NPM_PACKAGE=str(tmp / 'package.tgz'),
                NPM_PACKAGE_NAME='swagger-ui-dist-5.35.0.tgz',
                PATH=f"{tmp / 'bin'}{os.pathsep}{os.environ['PATH']}")

            def install():
                subprocess.run(['bash', '-c',
                        'source "$0" && api_docs_viewer', str(REPO / 'crm')],
                    env=env, check=True, capture_output=True)
                return (tmp / 'npm.log').read_text().splitlines()

            calls = install()
            self.assertEqual(len(calls), 1, calls)
            self.assertTrue(calls[0].startswith('pack '), calls)
            self.assertIn('swagger-ui-dist@5', calls[0])
            for name in ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE']:
                self.assertEqual((viewer / name).read_text(), name)
            # only the bundle, its style and their licences
            self.assertFalse((viewer / 'swagger-ui.js').exists())
            self.assertFalse((viewer / 'index.html').exists())
            self.assertFalse((viewer / 'stale.js').exists())
            self.assertEqual((viewer / '.installed').read_text().strip(), '5')
            self.assertEqual(install(), calls)
            (viewer / '.installed').write_text('4')
            self.assertEqual(len(install()), 2)
