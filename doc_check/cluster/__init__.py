"""Batch work on a Dask distributed cluster: the same sample sets and findings as the local path.

``doc-check generate`` and ``doc-check analyze`` take ``--scheduler ADDRESS`` (or ``DOC_CHECK_SCHEDULER``):
``tcp://host:8786`` joins a running scheduler, ``local:N`` starts a LocalCluster of N single-threaded worker
processes on 127.0.0.1. Dask is the optional extra ``doc-check[cluster]``, imported only here and only when a
scheduler is named. Workers read and write the set folder through the same path as the client (a shared file
system); a worker that cannot see it is refused with a one-line error.
"""

SCHEDULER_ENV = "DOC_CHECK_SCHEDULER"
"""Environment variable naming the scheduler when ``--scheduler`` is not given."""
