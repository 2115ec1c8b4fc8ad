"""A small error tree. Users see one clean line per problem, never a traceback.

Exit codes (documented in the README):
  0  success
  1  a handout is not publishable or a check failed (reported, not an error)
  2  usage error (click)
  3  invalid input: a condition sheet or site_config file
  4  model error: missing/corrupt model file, timeout, context overflow, server down
  5  sign-off or audit error: approval refused, audit log tampered
  6  publish error: the site could not be built; the previous site is untouched
"""

from __future__ import annotations

import click


class HandoutsError(click.ClickException):
    """Base class: a clean, one-line-per-problem message for the user."""

    exit_code = 1

    def show(self, file=None) -> None:  # no "Error:" prefix noise per line
        click.echo(f"error: {self.format_message()}", err=True)


class InputError(HandoutsError):
    """A condition sheet or a config file is invalid. Carries every problem found."""

    exit_code = 3

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    def show(self, file=None) -> None:
        for line in self.problems:
            click.echo(line, err=True)
        n = len(self.problems)
        click.echo(
            f"{n} problem{'s' if n != 1 else ''} found; nothing was drafted or published.",
            err=True,
        )


class ModelError(HandoutsError):
    """The model could not be loaded or a generation failed hard."""

    exit_code = 4


class ModelTimeout(ModelError):
    """A generation ran past its hard time limit."""


class ContextOverflow(ModelError):
    """A prompt did not fit the model's context: a fault of one fact, not of the model."""


class SignoffError(HandoutsError):
    """An approval, rejection or audit operation was refused."""

    exit_code = 5


class PublishError(HandoutsError):
    """The site could not be built or verified; the previous site is untouched."""

    exit_code = 6
