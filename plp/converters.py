"""The `<id:…>` path converter: a database id in an address.

Django's `int` converter takes any number of digits, and an id past the 64-bit id
columns then fails deep in a query (SQLite raises OverflowError, the audit INSERT
overflows on PostgreSQL): a server error. No row can have such an id, so the address
matches nothing and the answer is an ordinary 404.
"""

from django.urls.converters import IntConverter

LARGEST_ID = 2**63 - 1


class IdConverter(IntConverter):
    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = int(value)
        if number > LARGEST_ID:
            raise ValueError("no row has this id")  # the URL resolver reads this as no match
        return number
