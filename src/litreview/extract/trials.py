"""Registry facts for a table row: identifier, status words, enrolment, recruitment location.

These columns are read straight off the registry record; the derived columns (category,
compound, design, site, line) come from the extraction rules.
"""

from __future__ import annotations

from litreview.records import Trial

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


def registry_row(trial: Trial) -> dict[str, str]:
    """A table row with the registry-read columns filled and the derived ones empty."""
    row = dict.fromkeys(TABLE_COLUMNS, "")
    row.update(
        trial_name=trial.acronym,
        identifier=trial.nct_id,
        status=status_words(trial.status),
        enrolment="" if trial.enrollment is None else str(trial.enrollment),
        enrolment_type=trial.enrollment_type.upper(),
        location=location_words(trial.countries),
    )
    return row
