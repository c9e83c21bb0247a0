"""sdksmith benchmarks: `python -m bench [NAME ...]` (or `make bench`).

Every benchmark measures ours against a baseline *in the same run* (ratios,
not absolute times: the machine is noisy), interleaving the two, and checks
that what it timed is what it claims to time before reporting anything.
Results go to `bench/results/NAME-latest.json` (and a timestamped copy).
"""
