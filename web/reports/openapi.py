"""The OpenAPI 3.0 document of the reports API, written out here and built from the reports' own metric
lists, so the document and the answers cannot drift apart."""

from __future__ import annotations

from typing import Any

from matcher.people import PATHWAYS
from web.dao.reports import FIRST_YEAR_GROUP, LAST_YEAR_GROUP, PROVIDER_BANDS
from web.reports.encounter_figures import PATHWAY_WORDS, SUPPRESS_UNDER
from web.reports.figures import EQUITY_REPORTS, GAPS, GROUPS, Metric
from web.reports.placement_figures import OUTCOME_LABELS

INTEGER = {"type": "integer", "minimum": 0}
SHARE = {"type": "number", "minimum": 0, "maximum": 1, "nullable": True}
AVERAGE = {"type": "number", "minimum": 0, "nullable": True}
GAP = {"type": "number", "nullable": True, "description": "This group's value minus other students'"}
KIND_SCHEMAS = {"count": INTEGER, "share": SHARE, "average": AVERAGE, "hours": AVERAGE}
REF = "#/components/schemas/"


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _metric_schema(metric: Metric, gap: bool = False) -> dict[str, Any]:
    return {**(GAP if gap else KIND_SCHEMAS[metric.kind]), "description": metric.label}


def _equity(metrics: list[Metric], title: str) -> dict[str, Any]:
    group = _object({metric.key: _metric_schema(metric) for metric in metrics})
    gap = _object(
        {metric.key: _metric_schema(metric, gap=True) for metric in metrics if metric.kind != "count"}
    )
    groups = {name: {**group, "description": label} for name, label in GROUPS.items()}
    gaps = {f"{name}_gap": {**gap, "description": label} for name, label in GAPS.items()}
    return _object({**groups, **gaps}, title)


def _about() -> dict[str, Any]:
    return {
        "hub_id": {"type": "integer"},
        "school_id": {"type": "integer", "nullable": True, "description": "None for the whole hub"},
        "academic_year": {"type": "integer", "description": "By the calendar year it starts in (September)"},
        "academic_year_words": {"type": "string", "example": "2026 to 2027"},
        "year_group": {"type": "integer", "nullable": True, "description": "None for every year group"},
        "as_of": {"type": "string", "format": "date", "description": "The last day counted"},
    }


def _placements() -> dict[str, Any]:
    pathway = _object({"offered": INTEGER, "filled": INTEGER, "offered_share": SHARE, "filled_share": SHARE})
    route = _object(
        {
            "route": {"type": "string", "description": "The employer's occupational route (a slug)"},
            "employers_offering": INTEGER,
            "employers_hosting": INTEGER,
            "offered": INTEGER,
            "filled": INTEGER,
        }
    )
    return {
        "pathways": _object({name: pathway for name in PATHWAYS}),
        "outcomes": _object(
            {name: {**INTEGER, "description": label} for name, label in OUTCOME_LABELS.items()}
        ),
        "routes": {"type": "array", "items": route},
        "employers": _object({"offering": INTEGER, "hosting": INTEGER}),
    }


def _benchmarks() -> dict[str, Any]:
    return {
        **{slug.replace("-", "_"): {"$ref": f"{REF}{slug.replace('-', '_')}"} for slug in EQUITY_REPORTS},
        "encounters_by_year_group": {"type": "array", "items": {"$ref": REF + "EncountersByYearGroup"}},
        "provider_deadlines": {"type": "array", "items": {"$ref": REF + "ProviderDeadline"}},
        "encounter_pathways": {"$ref": REF + "EncounterPathways"},
        "encounter_quality": {"type": "array", "items": {"$ref": REF + "EncounterQuality"}},
        "no_shows": {"type": "array", "items": {"$ref": REF + "NoShows"}},
    }


def _year_group(description: str) -> dict[str, Any]:
    return {
        "type": "integer",
        "minimum": FIRST_YEAR_GROUP,
        "maximum": LAST_YEAR_GROUP,
        "nullable": True,
        "description": description,
    }


def _encounter_schemas() -> dict[str, Any]:
    held = {**INTEGER, "nullable": True, "description": "null when suppressed"}
    pathway = _object(
        {"encounters": INTEGER, "encounters_share": SHARE, "experiences": INTEGER, "experiences_share": SHARE}
    )
    return {
        "EncountersByYearGroup": _object(
            {
                "year_group": _year_group("null for all year groups together (when there are two or more)"),
                "group": {"type": "string", "enum": list(GROUPS)},
                "pupils": held,
                "with_encounter": held,
                "without_encounter": held,
                "with_encounter_share": {**SHARE, "description": "null when suppressed or nobody counted"},
                "gap": {**GAP, "description": "The group's share minus other pupils' (disadvantaged, SEND)"},
                "suppressed": {"type": "boolean"},
            },
            "Pupils with at least one Benchmark 5 encounter this academic year, by year group and group. In "
            f"a hub's own figures a row with a count from 1 to {SUPPRESS_UNDER - 1} is suppressed (its "
            "counts, share and gap null), and so is a gap worked out from one.",
        ),
        "ProviderDeadline": _object(
            {
                "years": {"type": "string", "enum": [f"years_{low}_{high}" for low, high in PROVIDER_BANDS]},
                "year_group": _year_group("null for the pair of years together"),
                "deadline": {"type": "string", "format": "date", "nullable": True},
                "deadline_passed": {"type": "boolean", "nullable": True},
                "pupils": INTEGER,
                "two_or_more": INTEGER,
                "short_of_two": INTEGER,
                "two_or_more_share": SHARE,
            },
            "Provider encounters in each year group's pair of years: those with two or more, counted to the "
            "28 February deadline if it has passed, or so far.",
        ),
        "EncounterPathways": _object(
            {name: {**pathway, "description": label} for name, label in PATHWAY_WORDS.items()},
            "This academic year's encounters (Benchmark 5) and workplace experiences (Benchmark 6) by the "
            "pathway of the opportunity a placement's record came from; provider encounters and T Level "
            "placements otherwise count as technical, and anything else as not_known.",
        ),
        "EncounterQuality": _object(
            {
                "by": {"type": "string", "enum": ["All", "Format", "Organisation", "Route"]},
                "label": {"type": "string", "description": "The format, organisation or route, in words"},
                "answered": held,
                "learned_share": {
                    **SHARE,
                    "description": "Learned something about jobs or routes; null held",
                },
                "wants_more_share": {**SHARE, "description": "Want to find out more; null when held back"},
                "average_rating": {**AVERAGE, "maximum": 5, "description": "Out of 5; null when held back"},
            },
            "What pupils said after the events' encounters they went to this academic year: every encounter "
            "together, then by format, organisation and route. A row with answers from 1 to "
            f"{SUPPRESS_UNDER - 1} pupils is held back (its figures null), in a school's figures too.",
        ),
        "NoShows": _object(
            {
                "format": {"type": "string", "description": "The event's format in words, or All formats"},
                "marked": held,
                "came": held,
                "absent": held,
                "absent_share": {**SHARE, "description": "null when held back or nobody was marked"},
            },
            "Of the pupils the events' registers marked this academic year, how many came and how many did "
            f"not, by format. In a hub's own figures a row with a count from 1 to {SUPPRESS_UNDER - 1} is "
            "held back (its figures null).",
        ),
    }


def _school_row() -> dict[str, Any]:
    return _object(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "urn": {"type": "string"},
            "students": INTEGER,
            "encounters_per_student": AVERAGE,
            "with_encounter_share": SHARE,
            "by_16_share": SHARE,
            "by_18_share": SHARE,
            "meaningful_share": SHARE,
            "hours_per_student": AVERAGE,
            "providers_share": SHARE,
            "places_offered": INTEGER,
            "places_filled": INTEGER,
        }
    )


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF + schema}}}}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": REF + "Problem"}}},
    }


def _operation(operation_id: str, summary: str, schema: str, parameters: list[Any]) -> dict[str, Any]:
    responses = {
        "200": _json(schema, summary),
        "400": _problem("A query parameter is not one this API takes"),
        "401": _problem("No key, an unknown or revoked key, or another hub's key"),
        "429": _problem("Too many requests with this key in a minute (API_RATE_LIMIT); try again shortly"),
    }
    if any(parameter.get("name") == "school_id" for parameter in parameters):
        responses["404"] = _problem("The hub has no school with this id")
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": parameters,
        "responses": responses,
        "security": [{"hubKey": []}],
    }


def document(
    first_year: int, current_year: int, max_per_page: int, max_page: int, max_name: int
) -> dict[str, Any]:
    """The API's OpenAPI document; academic years run from first_year to the current one."""
    hub = {"name": "hub_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
    school = {
        "name": "school_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
    year = {
        "name": "year",
        "in": "query",
        "description": "Academic year, by the calendar year it starts in; this one if not given",
        "schema": {"type": "integer", "minimum": first_year, "maximum": current_year},
    }
    year_group = {
        "name": "year_group",
        "in": "query",
        "description": "Only students in this year group in that academic year; all if not given",
        "schema": {"type": "integer", "minimum": FIRST_YEAR_GROUP, "maximum": LAST_YEAR_GROUP},
    }
    paging = [
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": max_page}},
        {
            "name": "per_page",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": max_per_page},
        },
        {
            "name": "name",
            "in": "query",
            "description": "Only schools with this in their name (any case)",
            "schema": {"type": "string", "maxLength": max_name},
        },
    ]
    filters = [hub, year, year_group]
    about = _about()
    schemas: dict[str, Any] = {
        slug.replace("-", "_"): _equity(metrics, title) for slug, (title, metrics) in EQUITY_REPORTS.items()
    }
    schemas.update(_encounter_schemas())
    schemas.update(
        {
            "Problem": _object(
                {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                },
                "RFC 9457 problem details",
            ),
            "Benchmarks": _object({**about, **_benchmarks()}),
            "Placements": _object({**about, **_placements()}),
            "SchoolReports": _object({**about, **_benchmarks(), **_placements()}),
            "Schools": _object(
                {
                    **about,
                    "page": {"type": "integer", "minimum": 1},
                    "per_page": {"type": "integer", "minimum": 1},
                    "total": INTEGER,
                    "schools": {"type": "array", "items": _school_row()},
                }
            ),
        }
    )
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Careers hub reports",
            "version": "1",
            "description": "Read-only Benchmark 5 and 6 reports for one careers hub. Shares are fractions "
            "from 0 to 1 (null when nobody is counted); gaps are a group's value minus other students'.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/hubs/{hub_id}/reports/benchmarks": {
                "get": _operation(
                    "benchmarks", "The hub's Benchmark 5, 6 and provider figures", "Benchmarks", filters
                )
            },
            "/hubs/{hub_id}/reports/placements": {
                "get": _operation(
                    "placements", "The hub's places and employers engaged", "Placements", filters
                )
            },
            "/hubs/{hub_id}/reports/schools": {
                "get": _operation(
                    "schools", "A page of the hub's schools and their figures", "Schools", filters + paging
                )
            },
            "/hubs/{hub_id}/schools/{school_id}/reports": {
                "get": _operation(
                    "school",
                    "Every report for one of the hub's schools",
                    "SchoolReports",
                    [hub, school, year, year_group],
                )
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "hubKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A key a hub admin made on the hub's API keys page",
                }
            },
        },
    }
