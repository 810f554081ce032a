"""Load tools for Sidewise: a real-server harness, simulated devices, and benchmarks.

``python -m bench.ingest`` and ``python -m bench.gym_sync`` print each figure as a ratio to a
baseline measured in the same run. The fault tests reuse the harness and the device client.
"""
