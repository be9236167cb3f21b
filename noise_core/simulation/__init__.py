"""``simulate`` and everything it needs: the device Target, placement, method choice and cost,
the Aer run, readout, coverage, assignment matrices, the circuit library and OpenQASM parsing."""

from noise_core.simulation.assignment import (
    AssignmentReport,
    assignment_report,
    joint_assignment_matrix,
)
from noise_core.simulation.circuits import CIRCUIT_LIBRARY, LibraryCircuit
from noise_core.simulation.coverage import noise_coverage
from noise_core.simulation.methods import METHODS, SimulationLimits, choose_method
from noise_core.simulation.options import RunOptions
from noise_core.simulation.qasm import parse_circuit
from noise_core.simulation.result import SimulationMetrics, SimulationResult
from noise_core.simulation.run import clear_caches
from noise_core.simulation.simulate import SimulationPlan, plan_simulation, simulate
from noise_core.simulation.target import DeviceTarget, build_target

__all__ = [
    "CIRCUIT_LIBRARY",
    "METHODS",
    "AssignmentReport",
    "DeviceTarget",
    "LibraryCircuit",
    "RunOptions",
    "SimulationLimits",
    "SimulationMetrics",
    "SimulationPlan",
    "SimulationResult",
    "assignment_report",
    "build_target",
    "choose_method",
    "clear_caches",
    "joint_assignment_matrix",
    "noise_coverage",
    "parse_circuit",
    "plan_simulation",
    "simulate",
]
