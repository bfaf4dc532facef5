def merge_intervals(intervals: list[list[int]]) -> list[list[int]]:
    """Merge overlapping half-open intervals [start, end); return them sorted by start.

    Touching intervals such as [1, 3] and [3, 5] do not overlap and stay separate. The input
    is not sorted and may be empty.
    """
    raise NotImplementedError
