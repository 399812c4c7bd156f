"""The fingerprint of the installed crm_plus sources, shared by ``crm-plus
init`` (upgrade when it changed) and the test runner (its database cache)."""
import hashlib
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
