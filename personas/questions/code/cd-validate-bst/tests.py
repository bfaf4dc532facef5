ENTRY = "is_valid_bst"
ARITY = 1


class _Node:
    def __init__(self, val, left=None, right=None):
        self.val, self.left, self.right = val, left, right


def tree(values):
    """A tree from level order, None for a missing child (as in [2, 1, 3])."""
    if not values:
        return None
    nodes = [None if v is None else _Node(v) for v in values]
    children = iter(nodes[1:])
    for node in nodes:
        if node is None:
            continue
        node.left = next(children, None)
        node.right = next(children, None)
    return nodes[0]


def chain(n):
    root = _Node(0)
    node = root
    for v in range(1, n):
        node.right = _Node(v)
        node = node.right
    return root


def case(values, expect):
    return {"input": f"root = {values}", "args": lambda: (tree(values),), "expect": expect}


CASES = [
    case([2, 1, 3], True),
    case([5, 1, 4, None, None, 3, 6], False),
    case([], True),
    case([1], True),
    case([5, 4, 6, None, None, 3, 7], False),
    case([2, 2], False),
    case([10, 5, 15, 2, 7, 12, 20], True),
    {
        "input": "a chain of 1,000 nodes, each the right child of the last",
        "args": lambda: (chain(1_000),),
        "expect": True,
    },
]
