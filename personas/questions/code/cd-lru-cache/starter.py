class LRUCache:
    """A least-recently-used cache with a fixed capacity.

    get(key) returns the value, or None on a miss; put(key, value) inserts or updates. Both
    count as a use. When full, put evicts the least recently used key.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity

    def get(self, key):
        raise NotImplementedError

    def put(self, key, value) -> None:
        raise NotImplementedError
