def two_sum(nums: list[int], target: int) -> tuple[int, int] | None:
    """Indices (i, j), i < j, of two different elements that add up to target, or None.

    When several pairs exist, return the one with the smallest j (and for it the smallest i).
    """
    raise NotImplementedError
