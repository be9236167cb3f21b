"""Every error the library raises on purpose, under one base class.

``NoiseStudioError`` derives from ``ValueError``: each of these is bad input (a document, a
setting, a circuit), never a bug, and its message says what is wrong, which rule it breaks and
what to change. Catch ``NoiseStudioError`` to handle them all. Building a model directly
(``NoiseSpec(...)``, ``DerivationOptions(...)``) raises pydantic's ``ValidationError``, also a
``ValueError``; ``describe_validation_error`` turns it into one line per broken rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from noise_core.spec.validation import FieldProblem

LISTED_PROBLEMS = 5
"""How many problems an error's one-line message shows before '(and N more)'."""


class NoiseStudioError(ValueError):
    """Base of every error ``noise_core`` raises for input it cannot use."""


class CalibrationError(NoiseStudioError):
    """The calibration document cannot be used; the message says what is wrong and where."""


class PropertyNotFoundError(CalibrationError):
    """An accessor asked for a property the snapshot does not have."""


class UnitError(CalibrationError):
    """A unit that is unknown, or of the wrong dimension for its property."""


class ProblemsError(NoiseStudioError):
    """A document with one or more broken rules: ``problems`` lists each as a ``FieldProblem`` (the part or field,
    the rule, the message), the one shape every library error with a list of problems uses."""

    prefix = "not usable"

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__(f"{self.prefix}: {summarize(problems)}")

    def __reduce__(self) -> tuple[type[ProblemsError], tuple[list[FieldProblem]]]:
        """Pickled with its problems (it crosses from a worker process), so the message is rebuilt the same."""
        return type(self), (self.problems,)


class SpecImportError(ProblemsError):
    """A spec document that is not valid JSON or breaks a rule; ``problems`` has one entry each."""

    prefix = "not a valid noise spec"


class ClassiqExportError(NoiseStudioError):
    """The spec holds entries Classiq's schema cannot express; ``entries`` lists them."""

    def __init__(self, entries: list[str]) -> None:
        self.entries = entries
        listing = "\n".join(f"  - {entry}" for entry in entries[:20])
        more = f"\n  (and {len(entries) - 20} more)" if len(entries) > 20 else ""
        super().__init__(
            f"{len(entries)} entries cannot be expressed in Classiq's schema:\n{listing}{more}\n"
            "Export with approximate=True to fold them into depolarizing errors of the same fidelity."
        )

    def __reduce__(self) -> tuple[type[ClassiqExportError], tuple[list[str]]]:
        """Pickled with its entries, so the message is rebuilt the same in another process."""
        return type(self), (self.entries,)


class CircuitError(NoiseStudioError):
    """A library circuit's parameter, or a circuit, that cannot be built as asked."""


class CircuitParseError(CircuitError):
    """OpenQASM text that could not be read; ``line`` and ``column`` are 1-based where known."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        where = f"line {line}" + (f", column {column}" if column is not None else "") if line else ""
        super().__init__(f"{where}: {message}" if where else message)
        self.line = line
        self.column = column


class ScalingError(NoiseStudioError):
    """A what-if factor that is negative, not finite, or would push a channel past its physical limit."""


class SimulationError(NoiseStudioError):
    """A circuit, setting or limit the simulator cannot accept; the message says what to change."""


class AnalysisError(NoiseStudioError):
    """An error budget or sweep asked for something it cannot compute (a metric, factor or size)."""


class CountsError(NoiseStudioError):
    """Measured counts that cannot be used: the message names the experiment, the outcome and the rule."""


class BareCountsError(CountsError):
    """Counts without their circuit (a Qiskit counts dict or CSV) and no circuit given to read them with."""


class FitError(NoiseStudioError):
    """A comparison or fit asked for something the data or the model cannot give (a factor, a size, a method)."""


class SessionError(ProblemsError):
    """A session bundle that cannot be restored; ``problems`` has one entry per problem, its path naming the part
    (calibration, circuit, spec in force, derived spec) or the bundle's field."""

    prefix = "not a usable session bundle"


class WorkspaceError(NoiseStudioError):
    """A request to the workspace (the archive, saved items) that breaks a rule: a name, a limit, an unknown key."""


class DatabaseUnavailable(WorkspaceError):
    """The workspace's database cannot be reached or written: nothing was saved, and what it holds is untouched."""


class DatabaseFull(DatabaseUnavailable):
    """The database's disk (or its size limit) is full: nothing was saved, and what it holds is untouched."""


class SimulationPlanLike(Protocol):
    """What ``OverBudgetError`` reads of the plan it carries (``noise_core.simulation.SimulationPlan``)."""

    @property
    def method(self) -> str: ...
    @property
    def active_qubits(self) -> tuple[int, ...]: ...
    @property
    def estimated_seconds(self) -> float: ...


class OverBudgetError(SimulationError):
    """``simulate(..., max_estimated_seconds=...)`` stopped before simulating: the plan says it would take longer.

    ``plan`` is the ``SimulationPlan`` of the run it did not make."""

    def __init__(self, plan: SimulationPlanLike, budget_seconds: float) -> None:
        self.plan = plan
        self.budget_seconds = budget_seconds
        super().__init__(
            f"estimated {plan.estimated_seconds:.2g} s ({plan.method} on {len(plan.active_qubits)} qubits), "
            f"over the {budget_seconds:g} s asked for"
        )

    def __reduce__(self) -> tuple[type[OverBudgetError], tuple[SimulationPlanLike, float]]:
        return type(self), (self.plan, self.budget_seconds)  # crosses a process boundary whole


def summarize(problems: Sequence[object]) -> str:
    """The first ``LISTED_PROBLEMS`` problems joined by '; ', and how many more there are."""
    shown = "; ".join(str(problem) for problem in problems[:LISTED_PROBLEMS])
    hidden = len(problems) - LISTED_PROBLEMS
    return shown + (f" (and {hidden} more)" if hidden > 0 else "")
