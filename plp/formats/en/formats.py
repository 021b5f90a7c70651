"""Dates in the English UI as the programme writes them: day-month-year, Monday first."""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d-m-Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
FIRST_DAY_OF_WEEK = 1
