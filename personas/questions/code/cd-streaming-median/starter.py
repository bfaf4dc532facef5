class StreamingMedian:
    """The median of all numbers added so far.

    With an even count, the median is the mean of the two middle values; median() before any
    number raises ValueError.
    """

    def add(self, x: float) -> None:
        raise NotImplementedError

    def median(self) -> float:
        raise NotImplementedError
