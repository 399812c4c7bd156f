"""The rate limit of crm_plus's routes (the API per key, the public web
form per client address): a fixed-window counter in the memory of the
process, so each server process counts on its own."""
import threading
import time
from collections import defaultdict

#: the keys counted before the expired windows are dropped
MAX_KEYS = 10000


class RateLimiter:

    def __init__(self, limits):
        """limits: a function returning (limit, period in seconds), read at
        each hit so that a configuration change applies; limit <= 0: none"""
        self._limits = limits
        self._lock = threading.Lock()
        self._windows = defaultdict(lambda: [0.0, 0])

    def hit(self, key):
        "None when allowed, else the seconds to wait"
        limit, period = self._limits()
        if limit <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            if len(self._windows) > MAX_KEYS:
                self._windows = defaultdict(lambda: [0.0, 0], {
                        k: w for k, w in self._windows.items()
                        if now - w[0] < period})
            window = self._windows[key]
            if now - window[0] >= period:
                window[0], window[1] = now, 0
            window[1] += 1
            if window[1] > limit:
                return max(1, int(window[0] + period - now + 0.999))
        return None
