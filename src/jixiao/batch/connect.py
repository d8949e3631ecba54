"""Connecting to a Dask cluster, or starting a local one; Dask is imported here and nowhere else up front."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..errors import UsageError

__all__ = ["cluster_client"]

_INSTALL = ("需要 Dask：pip install 'jixiao[cluster]' / the cluster import needs Dask: "
            "pip install 'jixiao[cluster]'")
#: Seconds to wait for the scheduler; $JIXIAO_CLUSTER_TIMEOUT overrides it.
_CONNECT_TIMEOUT_S = 20


def _distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError(_INSTALL) from None
    return distributed


@contextlib.contextmanager
def cluster_client(address: str | None, workers: int | None) -> Iterator[object]:
    """A ``distributed.Client`` on the scheduler at ``address``, or on a local cluster of ``workers`` processes.

    Local workers are processes with one thread each: parsing holds the GIL, so threads would not
    run side by side; each worker gets a nanny, which restarts it if it dies (a task it held is
    then run again elsewhere).
    """
    if (address is None) == (workers is None):
        raise UsageError("--cluster 与 --workers 只能选一个 / give either --cluster or --workers, not both")
    if workers is not None and workers < 1:
        raise UsageError("--workers 至少为 1 / --workers must be ≥ 1")
    distributed = _distributed()
    import logging

    # Dask's own INFO logging would scroll over the progress bar; its warnings still show
    logging.getLogger("distributed").setLevel(logging.ERROR)
    if address is not None:
        if "://" not in address:
            address = "tcp://" + address
        import os

        try:
            timeout = float(os.environ.get("JIXIAO_CLUSTER_TIMEOUT", _CONNECT_TIMEOUT_S))
        except ValueError:
            raise UsageError("JIXIAO_CLUSTER_TIMEOUT 须为秒数 / JIXIAO_CLUSTER_TIMEOUT must be seconds") from None
        try:
            client = distributed.Client(address, timeout=timeout)
        except (OSError, TimeoutError) as e:
            raise UsageError(f"无法连接集群 / cannot reach the Dask scheduler at {address}: {e}") from None
        with client:
            yield client
        return
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster) as client:
        yield client
