def count_pairs_below(nums: list[int], target: int) -> int:
    """How many pairs i < j have nums[i] + nums[j] < target. nums is sorted ascending."""
    raise NotImplementedError
