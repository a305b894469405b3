"""What only the instructor's checkout needs.

nbgrader's pipeline, the audit, the demo and its submissions. None of it is shipped to students.
"""
