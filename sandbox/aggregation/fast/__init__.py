"""Fast aggregation engine: vectorized numpy/scipy implementations, one subpackage per task kind.

- :mod:`~sandbox.aggregation.fast.coding`: answers as dense integer codes (``CodedAnswers``), shared
  by every method and by the out-of-core path;
- :mod:`~sandbox.aggregation.fast.rows`: row-wise kernels on ``tasks × labels`` arrays;
- :mod:`~sandbox.aggregation.fast.classification`: crowd-kit's classification methods;
- :mod:`~sandbox.aggregation.fast.pairwise`: pairwise preference methods.

Each method is validated against crowd-kit 1.4.2, or a reference implementation, in ``tests/fast``.
"""
