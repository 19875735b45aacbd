"""dutylist: responsibility lists and dispatch rules for 街乡吹哨、部门报到."""

__version__ = "0.1.0"
