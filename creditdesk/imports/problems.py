"""What is wrong with a file, as a value that names where: line, field, what was expected."""

from __future__ import annotations

from dataclasses import dataclass

from creditdesk.domain.errors import CreditDeskError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file; ``line`` is the physical line (a sheet's row), 0 for the whole file.

    An XML file names the place by ``element`` (``Stmt[1]/Ntry[3]/Amt``) instead of a line.
    """

    line: int
    message: str
    field: str | None = None
    element: str | None = None

    def __str__(self) -> str:
        if self.line and self.field is not None:
            return f"line {self.line}, field '{self.field}': {self.message}"
        if self.line:
            return f"line {self.line}: {self.message}"
        if self.element:
            return f"element {self.element}: {self.message}"
        return self.message


def sorted_problems(problems: list[Problem]) -> tuple[Problem, ...]:
    """In file order; the whole-file problems first, each line's in the order found."""
    return tuple(sorted(problems, key=lambda problem: problem.line))


class FileRefused(CreditDeskError):
    """A file that cannot be read at all, for the problem that stops it; raised instead of a traceback."""

    def __init__(self, name: str, problem: Problem) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem
