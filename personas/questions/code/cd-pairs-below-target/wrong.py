# Counts pairs whose sum equals the target too (<= instead of <).
def count_pairs_below(nums, target):
    count = 0
    left, right = 0, len(nums) - 1
    while left < right:
        if nums[left] + nums[right] <= target:
            count += right - left
            left += 1
        else:
            right -= 1
    return count
