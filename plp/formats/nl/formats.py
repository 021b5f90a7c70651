"""Dutch dates and numbers: day-month-year, decimal comma."""

# ISO first: <input type="date"> posts 2024-03-01 in every browser.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d-%m-%y", "%d/%m/%Y", "%d/%m/%y"]
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d-m-Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
