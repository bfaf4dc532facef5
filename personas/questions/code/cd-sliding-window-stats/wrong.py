# Keeps the maximum of every value ever seen, not of the window.
class SlidingWindowStats:
    def __init__(self, w):
        self.w = w
        self.values = []
        self.best = float("-inf")

    def add(self, value):
        self.values.append(value)
        self.best = max(self.best, value)
        window = self.values[-self.w :]
        return sum(window) / len(window), self.best
