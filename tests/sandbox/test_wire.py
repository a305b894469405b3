"""The safe value format: what crosses between the grader and the student process, and what cannot."""

import json
import math

import numpy as np
import pytest

from autograder.wire import Encoder, Handle, UnsafeValue, decode


def round_trip(value):
    return decode(Encoder().encode(value))


@pytest.mark.parametrize(
    "value",
    [None, True, False, 0, -7, 2**80, 1.5, "text", "", (), [], {}],
    ids=repr,
)
def test_plain_values_come_back_equal_and_of_the_same_type(value):
    """Do plain Python values come back equal, with their exact type?"""
    back = round_trip(value)
    assert back == value and type(back) is type(value)


def test_special_floats_come_back():
    """Do NaN and the infinities cross over?"""
    back = round_trip([math.nan, math.inf, -math.inf])
    assert math.isnan(back[0]) and back[1:] == [math.inf, -math.inf]


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint8", "bool", "complex128", "<U3"])
def test_arrays_come_back_bit_for_bit(dtype):
    """Does an array come back with the same dtype, shape and bytes, even when not contiguous?"""
    array = np.arange(24).reshape(2, 3, 4).astype(dtype)[:, ::2]
    back = round_trip(array)
    assert back.dtype == array.dtype and back.shape == array.shape
    assert back.tobytes() == np.ascontiguousarray(array).tobytes()
    assert back.flags.writeable


def test_numpy_scalars_stay_numpy_scalars():
    """Is np.float64(2.5) still an np.float64 on the other side (checks may look at the type)?"""
    back = round_trip(np.float64(2.5))
    assert type(back) is np.float64 and back == 2.5


def test_containers_keep_their_kind_and_nesting():
    """Do tuples stay tuples, lists lists and dicts dicts, nested, with non-string keys?"""
    value = ({"dWh": np.ones(2), 3: [1, (2.0,)]}, [np.zeros((0, 2))])
    back = round_trip(value)
    assert type(back) is tuple and type(back[0]) is dict and type(back[1]) is list
    assert back[0][3] == [1, (2.0,)] and back[1][0].shape == (0, 2)


def test_subclasses_arrive_as_plain_values():
    """Does a subclass with a rigged __eq__ arrive as the plain type, its methods left behind?"""

    class Rigged(np.ndarray):
        def __eq__(self, other):
            return True

    class RiggedDict(dict):
        def __eq__(self, other):
            return True

    back = round_trip((np.zeros(2).view(Rigged), RiggedDict(a=1)))
    assert type(back[0]) is np.ndarray and type(back[1]) is dict


def test_other_objects_stay_behind_as_handles():
    """Does an object the format cannot write stay in its process, the other side holding a handle?"""

    class Anything:
        def __eq__(self, other):
            return True

    encoder = Encoder(generation=3)
    thing = Anything()
    back = decode(encoder.encode((1, thing, lambda: 0, np.array([object()]))))
    assert back[0] == 1
    assert back[1] == Handle(0, "Anything", 3) and encoder.objects[0] is thing
    assert back[2].type_name == "function" and back[3].type_name == "ndarray"


def test_handles_are_resolved_by_the_process_that_holds_them():
    """When a handle comes back, does the holder get its own object again?"""
    encoder = Encoder()
    cache = object()
    text = encoder.encode({"cache": cache})
    assert decode(text, resolve=lambda handle: encoder.objects[handle.id])["cache"] is cache


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        json.dumps({"t": "array", "dtype": "|O", "shape": [1], "data": "AAAAAAAAAAA="}),
        json.dumps({"t": "array", "dtype": "<f8", "shape": [2], "data": "AAAAAAAAAAA="}),
        json.dumps({"t": "array", "dtype": "<f8", "shape": [-1], "data": ""}),
        json.dumps({"t": "array", "dtype": [["a", "<f8"]], "shape": [1], "data": "AAAAAAAAAAA="}),
        json.dumps({"t": "pickle", "v": "gASVAAAAAAAAAAB9lC4="}),
        json.dumps({"t": "dict", "v": [[{"t": "list", "v": []}, 1]]}),
        json.dumps({"no": "tag"}),
        json.dumps([1, 2]),
    ],
    ids=[
        "not JSON",
        "object dtype",
        "wrong byte count",
        "negative shape",
        "structured dtype",
        "unknown tag",
        "unhashable key",
        "untagged object",
        "untagged list",
    ],
)
def test_anything_else_is_refused(text):
    """Is every message outside the safe format refused with UnsafeValue, never half-read?"""
    with pytest.raises(UnsafeValue):
        decode(text)
