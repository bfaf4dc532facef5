"""Turn-taking: when the candidate has finished speaking (policies, no devices)."""

from .completeness import Ending, read_ending
from .endpointing import Decision, EndpointConfig, EndPolicy, EndReason, TurnEndPolicy

__all__ = [
    "Decision",
    "EndPolicy",
    "EndReason",
    "Ending",
    "EndpointConfig",
    "TurnEndPolicy",
    "read_ending",
]
