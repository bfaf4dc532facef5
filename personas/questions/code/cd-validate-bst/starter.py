class TreeNode:
    def __init__(self, val: int, left: "TreeNode | None" = None, right: "TreeNode | None" = None):
        self.val = val
        self.left = left
        self.right = right


def is_valid_bst(root: TreeNode | None) -> bool:
    """True when the tree is a binary search tree: every value in a node's left subtree is
    strictly smaller than the node's, every value in its right subtree strictly larger.
    An empty tree is valid."""
    raise NotImplementedError
