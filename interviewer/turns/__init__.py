"""Turn-taking: when the candidate has finished speaking (policies, no devices)."""

from .endpointing import Decision, EndpointConfig, EndPolicy, EndReason, TurnEndPolicy

__all__ = ["Decision", "EndPolicy", "EndReason", "EndpointConfig", "TurnEndPolicy"]
