"""`experiment()`: run an evaluation as an experiment of a pipeline (hand-written, kept on regeneration).

Use it as a decorator or a context manager, sync or async:

    from experiments_sdk import init
    from experiments_sdk.lib.experiment import experiment

    init(api_key="...")

    @experiment(pipeline_id="...")
    async def evaluate() -> None:
        ...  # current_experiment() is the Experiment being run

    async with experiment(pipeline_id="...") as exp:
        ...

It creates the experiment (status GENERATING), runs the block, then marks the
experiment EVALUATING. If the block raises, the experiment keeps its status,
the error is recorded in its metadata, and the exception propagates.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from contextvars import ContextVar, Token
from typing import Any, Optional, TypeVar, Union

from .._client import AsyncExperiments, Experiments
from ..types.experiment import Experiment
from ..types.experiment_status import ExperimentStatus

__all__ = ["experiment", "current_experiment", "ExperimentRun"]

F = TypeVar("F", bound=Callable[..., Any])

_CURRENT: ContextVar[Optional[Experiment]] = ContextVar(
    "experiments_sdk_current_experiment", default=None
)


def current_experiment() -> Optional[Experiment]:
    """The experiment whose block is running, if any."""
    return _CURRENT.get()


def _error_metadata(
    metadata: Optional[Mapping[str, object]], exc: BaseException
) -> dict[str, object]:
    return {**(metadata or {}), "error": f"{type(exc).__name__}: {exc}"}


class ExperimentRun:
    """What `experiment(...)` returns: a decorator, and a sync or async context manager."""

    def __init__(
        self,
        *,
        pipeline_id: str,
        name: Optional[str],
        metadata: Optional[Mapping[str, object]],
        client: Union[Experiments, AsyncExperiments, None],
    ) -> None:
        self.pipeline_id = pipeline_id
        self.name = name
        self.metadata = dict(metadata) if metadata is not None else None
        self._client = client
        self.experiment: Optional[Experiment] = None
        self._token: Optional[Token[Optional[Experiment]]] = None

    # -- clients
    def _sync_client(self) -> Experiments:
        if isinstance(self._client, Experiments):
            return self._client
        if self._client is not None:
            raise TypeError("use `async with` (or an async function) with an async client")
        return Experiments()

    def _async_client(self) -> AsyncExperiments:
        if isinstance(self._client, AsyncExperiments):
            return self._client
        if self._client is not None:
            raise TypeError("use `with` (or a plain function) with a sync client")
        from .. import _default

        client = _default.get()
        assert isinstance(client, AsyncExperiments)
        return client

    # -- sync context manager
    def __enter__(self) -> Experiment:
        client = self._sync_client()
        self.experiment = client.experiments.create(
            pipeline_id=self.pipeline_id, name=self.name, metadata=self.metadata
        )
        self._token = _CURRENT.set(self.experiment)
        return self.experiment

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> None:
        assert self.experiment is not None and self._token is not None
        _CURRENT.reset(self._token)
        client = self._sync_client()
        if exc is None:
            self.experiment = client.experiments.update(
                self.experiment.id, status=ExperimentStatus.EVALUATING
            )
        else:
            client.experiments.update(
                self.experiment.id, metadata=_error_metadata(self.metadata, exc)
            )

    # -- async context manager
    async def __aenter__(self) -> Experiment:
        client = self._async_client()
        self.experiment = await client.experiments.create(
            pipeline_id=self.pipeline_id, name=self.name, metadata=self.metadata
        )
        self._token = _CURRENT.set(self.experiment)
        return self.experiment

    async def __aexit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> None:
        assert self.experiment is not None and self._token is not None
        _CURRENT.reset(self._token)
        client = self._async_client()
        if exc is None:
            self.experiment = await client.experiments.update(
                self.experiment.id, status=ExperimentStatus.EVALUATING
            )
        else:
            await client.experiments.update(
                self.experiment.id, metadata=_error_metadata(self.metadata, exc)
            )

    # -- decorator
    def __call__(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                async with self._fresh():
                    return await func(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():
                return func(*args, **kwargs)

        return run  # type: ignore[return-value]

    def _fresh(self) -> ExperimentRun:
        """A new run per call, so a decorated function can be called many times."""
        return ExperimentRun(
            pipeline_id=self.pipeline_id,
            name=self.name,
            metadata=self.metadata,
            client=self._client,
        )


def experiment(
    *,
    pipeline_id: str,
    name: Optional[str] = None,
    metadata: Optional[Mapping[str, object]] = None,
    client: Union[Experiments, AsyncExperiments, None] = None,
) -> ExperimentRun:
    """Run the decorated function or the `with` block as a new experiment of `pipeline_id`.

    Without `client`, async use goes through the default client configured by `init()`,
    sync use through a new `Experiments()` client configured from the environment.
    """
    return ExperimentRun(pipeline_id=pipeline_id, name=name, metadata=metadata, client=client)
