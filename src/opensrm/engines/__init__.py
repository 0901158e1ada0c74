"""Pure computation engines: numpy, scipy and HiGHS; no Django, no I/O, no global randomness."""
