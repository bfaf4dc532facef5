from collections import deque


class SlidingWindowStats:
    def __init__(self, w: int) -> None:
        self.w = w
        self.window: deque[float] = deque()
        self.total = 0.0
        self.maxima: deque[tuple[int, float]] = deque()  # (position, value), values decreasing
        self.count = 0

    def add(self, value: float) -> tuple[float, float]:
        self.window.append(value)
        self.total += value
        if len(self.window) > self.w:
            self.total -= self.window.popleft()
        while self.maxima and self.maxima[-1][1] <= value:
            self.maxima.pop()
        self.maxima.append((self.count, value))
        if self.maxima[0][0] <= self.count - self.w:
            self.maxima.popleft()
        self.count += 1
        return self.total / len(self.window), self.maxima[0][1]
