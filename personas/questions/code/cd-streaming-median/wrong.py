# With an even count it returns the upper middle value instead of the mean of the two.
class StreamingMedian:
    def __init__(self):
        self.values = []

    def add(self, x):
        self.values.append(x)

    def median(self):
        ordered = sorted(self.values)
        return float(ordered[len(ordered) // 2])
