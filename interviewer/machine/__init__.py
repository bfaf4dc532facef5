"""How fast is this machine, and what the live pipeline should do about it."""

from .cpus import usable_cpus
from .speed import MachineSpeed, StreamingPlan, plan_for

__all__ = ["MachineSpeed", "StreamingPlan", "plan_for", "usable_cpus"]
