"""The fingerprint of the installed crm_plus sources, shared by ``crm-plus
init`` (upgrade when it changed) and the test runner (its database cache)."""
import hashlib
import os
from pathlib import Path


def module_hash():
    "Hash of the installed crm_plus sources: a change means an upgrade"
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted(root.rglob('*')):
        if path.is_file() and path.suffix in {
                '.py', '.xml', '.cfg', '.po', '.csv', '.json', '.html',
                '.svg'} and 'tests' not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_dir():
    """The folder of the test databases built from a version of the sources
    (keyed by module_hash): ``$CRM_PLUS_CACHE``, default ``~/.cache/crm_plus``,
    outside any checkout so that a fresh clone of the same sources, as CI's,
    reuses them"""
    return Path(os.environ.get('CRM_PLUS_CACHE') or Path(
            os.environ.get('XDG_CACHE_HOME') or Path.home() / '.cache')
        / 'crm_plus')
