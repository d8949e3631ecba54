"""Connecting to a Dask cluster, or starting a local one; Dask is imported here and nowhere else up front."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..errors import UsageError

__all__ = ["check_workers", "cluster_client"]

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
            check_workers(client, timeout)
            yield client
        return
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster) as client:
        yield client


def _worker_version() -> str | None:
    """On a worker: the jixiao it can import, or None."""
    try:
        import jixiao
    except ImportError:
        return None
    return jixiao.__version__


def check_workers(client, timeout: float) -> int:
    """The number of workers, once there is at least one that runs this jixiao; else a one-line error.

    A scheduler without workers would leave the batch waiting for ever, and a worker without jixiao (or
    with another version, which parses differently) would fail every file, or store other rows than a
    single-process import.
    """
    from .. import __version__

    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise UsageError(f"集群没有工作进程（等待 {timeout:g} 秒）/ the Dask cluster has no workers "
                         f"(waited {timeout:g} s): start some with `dask worker ADDRESS`") from None
    versions = client.run(_worker_version)
    wrong = {w: v for w, v in versions.items() if v != __version__}
    if wrong:
        worker, v = next(iter(wrong.items()))
        found = f"jixiao {v}" if v else "没有 jixiao / no jixiao"
        raise UsageError(f"{len(wrong)} 个工作进程的 jixiao 版本不符 / {len(wrong)} worker(s) do not run jixiao "
                         f"{__version__}: {worker} has {found}")
    return len(versions)
