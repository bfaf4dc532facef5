def count_pairs_below(nums: list[int], target: int) -> int:
    count = 0
    left, right = 0, len(nums) - 1
    while left < right:
        if nums[left] + nums[right] < target:
            count += right - left  # nums[left] pairs with everything up to right
            left += 1
        else:
            right -= 1
    return count
