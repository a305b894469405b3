"""What happens around one call of student code, below both the sandbox and the check-writing kit.

The warnings a call emits (``call_warnings``), the changes it makes to its arguments
(``changes``), the log of the check run it belongs to (``check_run``), the copies it is called on
and the calls it makes (``purity``), and the errors student code raises through the grader
(``errors``). The sandbox's worker and the grader's checks both use them.
"""
