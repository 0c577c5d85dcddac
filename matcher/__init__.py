"""The allocation engine: instances in, fair and explainable allocations out."""

from matcher.allocation import allocate
from matcher.instance import Instance, Result
from matcher.io import InstanceError, dump_result, load_instance

__all__ = ["Instance", "InstanceError", "Result", "allocate", "dump_result", "load_instance"]
