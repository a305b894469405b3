"""The kit checks are written with.

Cases and how student code is called, comparisons with numpy-style messages, gradient checks,
Hypothesis properties, exact laws, purity, known answers, hidden cases and the reference solutions.
"""
