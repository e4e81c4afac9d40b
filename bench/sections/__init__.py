# SPDX-License-Identifier: ISC
"""bench/run's sections, one a file; each exposes sec_NAME(args)."""
