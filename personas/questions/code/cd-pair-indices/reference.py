def two_sum(nums: list[int], target: int) -> tuple[int, int] | None:
    first_seen: dict[int, int] = {}
    for j, x in enumerate(nums):
        i = first_seen.get(target - x)
        if i is not None:
            return i, j
        first_seen.setdefault(x, j)
    return None
