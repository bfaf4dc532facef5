class SlidingWindowStats:
    """Mean and maximum of the last w values of a stream.

    Before w values have arrived, use all values seen so far.
    """

    def __init__(self, w: int) -> None:
        self.w = w

    def add(self, value: float) -> tuple[float, float]:
        """Add a value; return (mean, max) of the current window."""
        raise NotImplementedError
