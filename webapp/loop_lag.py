"""Event-loop lag: how late a timer fires. A busy loop delays every stream and request alike."""

from __future__ import annotations

import asyncio
import time
from collections import deque


class LoopLagMonitor:
    """Samples lag every `interval` seconds and keeps the last `window` samples. The summary is
    recomputed once `refresh` new samples have come in (a second's worth by default), so a
    health check polled thousands of times a second does not sort the window each time."""

    def __init__(self, *, interval: float = 0.01, window: int = 6000, refresh: int = 100) -> None:
        self.interval = interval
        self._samples: deque[float] = deque(maxlen=window)
        self._refresh = refresh
        self._taken = 0  # samples ever taken
        self._summary: dict[str, float] | None = None
        self._summary_taken = 0

    async def run(self) -> None:
        while True:
            expected = time.perf_counter() + self.interval
            await asyncio.sleep(self.interval)
            self._samples.append(max(0.0, time.perf_counter() - expected))
            self._taken += 1

    def summary_ms(self) -> dict[str, float]:
        """p50, p99 and max lag in milliseconds over the window (zeros before any sample)."""
        if self._summary is None or self._taken - self._summary_taken >= self._refresh:
            self._summary = self._summarise()
            self._summary_taken = self._taken
        return self._summary

    def _summarise(self) -> dict[str, float]:
        if not self._samples:
            return {"p50": 0.0, "p99": 0.0, "max": 0.0, "samples": 0}
        ordered = sorted(self._samples)

        def at(fraction: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000, 2)

        return {"p50": at(0.5), "p99": at(0.99), "max": at(1.0), "samples": len(ordered)}
