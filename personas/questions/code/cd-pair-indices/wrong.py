# Stores each value before looking up its complement, so one element can pair with itself.
def two_sum(nums, target):
    seen = {}
    for j, x in enumerate(nums):
        seen.setdefault(x, j)
        if target - x in seen:
            return seen[target - x], j
    return None
