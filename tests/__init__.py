"""System tests of crm_plus: the set-up, the web client in a browser, and
the running server over HTTP (harness.py).

The test modules import the harness as ``from harness import ...``, run from
this folder or discovered as the ``tests`` package (``crm-plus test tests``).
"""
import sys
from pathlib import Path

if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))
