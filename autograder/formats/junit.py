"""JUnit XML: one testsuite per submission, one testcase per test, for CI test reporters.

A failed test has a ``<failure>`` whose ``message`` says the points lost and the first failing
case, and whose text is the whole output; a written answer awaiting a human grader is
``<skipped>``. Points are kept in testsuite ``<properties>``; notes go to ``<system-out>``.
"""

import re
import xml.etree.ElementTree as ET

from autograder.results import FAILED, PENDING, SubmissionResult, TestResult

NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold (control characters such as ANSI escapes in student output)."""


def xml_text(text: str) -> str:
    """``text`` with every character XML cannot hold replaced by U+FFFD."""
    return NOT_XML.sub("\ufffd", text)


def failure_summary(test: TestResult) -> str:
    """The first failing case and its reason, else the first ``✗`` line of the output, else its first line."""
    failed = [case for case in test.cases if not case.passed]
    if failed:
        reason = failed[0].message.strip().splitlines()
        return f"{failed[0].name}: {reason[0]}" if reason else failed[0].name
    lines = [line.strip() for line in test.output.splitlines() if line.strip()]
    return next((line for line in lines if line.startswith("✗")), lines[0] if lines else "")


def testcase(test: TestResult, assignment: str) -> ET.Element:
    """The ``<testcase>`` of one test, with its ``<failure>`` or ``<skipped>``."""
    element = ET.Element("testcase", name=xml_text(test.name), classname=xml_text(f"{assignment}.{test.function}"))
    if test.status == FAILED:
        summary = failure_summary(test)
        lost = f"lost {round(test.max_score - test.score, 6):g} of {test.max_score:g} points"
        message = f"{lost}: {summary}" if summary else lost
        failure = ET.SubElement(element, "failure", message=xml_text(message), type="failed")
        failure.text = xml_text(test.output)
    elif test.status == PENDING:
        ET.SubElement(element, "skipped", message=f"awaiting manual grading ({test.max_score:g} points)")
    return element


def testsuite(result: SubmissionResult) -> ET.Element:
    """The ``<testsuite>`` of one submission, named after its path."""
    failures = sum(test.status == FAILED for test in result.tests)
    skipped = sum(test.status == PENDING for test in result.tests)
    suite = ET.Element(
        "testsuite",
        name=xml_text(result.submission),
        tests=str(len(result.tests)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in [
        ("assignment", result.assignment),
        ("score", f"{result.score:g}"),
        ("max_score", f"{result.max_score:g}"),
        ("pending_score", f"{result.pending_score:g}"),
    ]:
        ET.SubElement(properties, "property", name=name, value=xml_text(value))
    suite.extend(testcase(test, result.assignment) for test in result.tests)
    if result.notes:
        ET.SubElement(suite, "system-out").text = xml_text("\n".join(result.notes))
    return suite


def junit_xml(results: list[SubmissionResult]) -> str:
    """The JUnit XML document of all submissions: ``<testsuites>`` holding one suite each."""
    root = ET.Element(
        "testsuites",
        name="autograder",
        tests=str(sum(len(result.tests) for result in results)),
        failures=str(sum(test.status == FAILED for result in results for test in result.tests)),
        errors="0",
        skipped=str(sum(test.status == PENDING for result in results for test in result.tests)),
    )
    root.extend(testsuite(result) for result in results)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
