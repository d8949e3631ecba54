"""Batch import on a Dask cluster: ``jixiao import --cluster tcp://HOST:PORT`` or ``--workers N``.

Workers read, parse and review; the driver (this process) writes, one
transaction per document, through the store's own writer. Dask is imported
only here, and only when a batch is asked for (the ``cluster`` extra).
"""
