import heapq


class StreamingMedian:
    def __init__(self) -> None:
        self.low: list[float] = []  # a max-heap, as negated values
        self.high: list[float] = []

    def add(self, x: float) -> None:
        heapq.heappush(self.low, -x)
        heapq.heappush(self.high, -heapq.heappop(self.low))
        if len(self.high) > len(self.low):
            heapq.heappush(self.low, -heapq.heappop(self.high))

    def median(self) -> float:
        if not self.low:
            raise ValueError("no numbers yet")
        if len(self.low) > len(self.high):
            return float(-self.low[0])
        return (-self.low[0] + self.high[0]) / 2
