"""Registry words for a table row: the column list, status words and recruitment locations.

These are read straight off the registry record; the derived columns (category, compound,
design, site, line) come from :mod:`litreview.extract.rows`.
"""

from __future__ import annotations

TABLE_COLUMNS = (
    "table",
    "category",
    "compound",
    "trial_name",
    "design",
    "site",
    "line",
    "identifier",
    "status",
    "enrolment",
    "enrolment_type",
    "location",
    "results",
)
# Columns the engine fills from a registry count (``enrollmentInfo.count``): a whole number, or blank
# where it is not stated. The review's spec gives columns headers, not kinds; what a column holds is
# the engine's, so a person's value there is checked as the registry's would be.
COUNT_COLUMNS = frozenset({"enrolment"})

STATUS_WORDS = {
    "RECRUITING": "Recruiting",
    "NOT_YET_RECRUITING": "Not yet recruiting",
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "COMPLETED": "Completed",
    "TERMINATED": "Terminated",
    "SUSPENDED": "Suspended",
    "WITHDRAWN": "Withdrawn",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "UNKNOWN": "Unknown",
}

# The paper abbreviates these three countries; every other name is kept as the registry writes it.
COUNTRY_WORDS = {
    "United States": "USA",
    "United Kingdom": "UK",
    "Korea, Republic of": "Korea",
    "Republic of Korea": "Korea",
    "South Korea": "Korea",
}


def status_words(status: str) -> str:
    if not status:
        return "Unknown"
    return STATUS_WORDS.get(status.upper(), status.replace("_", " ").capitalize())


def location_words(countries: tuple[str, ...]) -> str:
    out: list[str] = []
    for country in countries:
        word = COUNTRY_WORDS.get(country, country)
        if word not in out:
            out.append(word)
    return ", ".join(out)
