"""The fields a snapshot or activity row can carry, their checks and the headers that name them.

One table drives header matching, validation ranges and error wording, so adding a metric
is one entry here plus one row in the metric catalogue migration.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

UNASSIGNED_TEAM = "Unassigned"  # the team of people no file has put in a team
PILLARS = ("brand", "people", "insights", "relationships")
PILLAR_LABELS = {
    "brand": "Establish your professional brand",
    "people": "Find the right people",
    "insights": "Engage with insights",
    "relationships": "Build relationships",
}
PILLAR_SHORT = {
    "brand": "Brand",
    "people": "People",
    "insights": "Insights",
    "relationships": "Relationships",
}
# LinkedIn's own enum names in the SSI page JSON.
PILLAR_ENUMS = {
    "PROFESSIONAL_BRAND": "brand",
    "FIND_RIGHT_PEOPLE": "people",
    "INSIGHT_ENGAGEMENT": "insights",
    "STRONG_RELATIONSHIP": "relationships",
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | date | score | metric
    low: float | None = None
    high: float | None = None
    expected: str = ""
    synonyms: tuple[str, ...] = ()

    @property
    def numeric(self) -> bool:
        """Scores and metrics are read as numbers and checked against low/high."""
        return self.kind in ("score", "metric")


def _f(name, kind, low=None, high=None, expected="", synonyms=()):
    return Field(name, kind, low, high, expected, tuple(synonyms))


FIELDS: tuple[Field, ...] = (
    _f(
        "rep_name",
        "text",
        synonyms=(
            "name",
            "seat holder",
            "seatholder name",
            "full name",
            "member",
            "member name",
            "rep",
            "sales rep",
            "user",
            "user name",
            "person",
            "employee",
            "nome",
        ),
    ),
    _f("first_name", "text", synonyms=("first name", "firstname", "given name")),
    _f("last_name", "text", synonyms=("last name", "lastname", "surname", "family name")),
    _f("email", "text", synonyms=("email", "e-mail", "email address", "mail", "work email")),
    _f(
        "team",
        "text",
        synonyms=("team", "group", "team name", "group name", "department", "equipe"),
    ),  # fmt: skip
    _f(
        "day",
        "date",
        synonyms=(
            "date",
            "report date",
            "snapshot date",
            "day",
            "as of",
            "date created",
            "created",
            "recorded on",
            "reading date",
            "data",
            "data coleta",
            "data referencia",
            "data de referencia",
            # The first day of a usage export's period (its counts cover start .. end).
            "start date",
            "period start",
            "from",
            "start",
            "date from",
        ),
    ),
    # The last day of a period: the row's counts are for start .. end, stored as one period.
    _f(
        "period_end",
        "date",
        synonyms=("end date", "period end", "to", "end", "until", "through", "date to"),
    ),
    # A weekly usage export: the row covers the 7 days from this date.
    _f(
        "week",
        "date",
        synonyms=("week", "week of", "week starting", "week beginning", "week start"),
    ),
    # The Sales Navigator seat a person holds: links the Analytics export's events to people.
    _f("seat_id", "text", synonyms=("seat id", "seatid", "seat", "seat number")),
    _f(
        "ssi",
        "score",
        0,
        100,
        "an SSI from 0 to 100",
        (
            "ssi",
            "total ssi",
            "social selling index",
            "ssi score",
            "ssi overall score",
            "overall",
            "overall ssi",
            "current ssi",
            "total social selling index",
            # A public Portuguese tracker's own headers (accents are dropped when matching).
            "pontuacao geral",
            "pontuacao",
            "indice de social selling",
            "social selling index ssi",
        ),
    ),
    _f(
        "brand",
        "score",
        0,
        25,
        "a pillar score from 0 to 25",
        (
            "brand",
            "establish your professional brand",
            "professional brand",
            "establish professional brand",
            "establish your brand",
            "establishing your professional brand",
            "establishing a professional brand",
            "establish a professional brand",
            "pontuacao marca",
            "marca profissional",
            "marca",
            # LinkedIn's own names of the pillars in Portuguese (Brazil and Portugal).
            "estabelecer sua marca profissional",
            "estabeleca sua marca profissional",
            "estabelecer a sua marca profissional",
        ),
    ),
    _f(
        "people",
        "score",
        0,
        25,
        "a pillar score from 0 to 25",
        (
            "people",
            "find the right people",
            "find right people",
            "find people",
            "finding the right people",
            "pontuacao pessoas",
            "pessoas",
            "localizar as pessoas certas",
            "encontrar as pessoas certas",
            "encontre as pessoas certas",
        ),  # fmt: skip
    ),
    _f(
        "insights",
        "score",
        0,
        25,
        "a pillar score from 0 to 25",
        (
            "insights",
            "engage with insights",
            "insight engagement",
            "engage insights",
            "engaging with insights",
            "pontuacao insights",
            "interagir oferecendo insights",
            "interaja oferecendo insights",
            "interagir com insights",
        ),  # fmt: skip
    ),
    _f(
        "relationships",
        "score",
        0,
        25,
        "a pillar score from 0 to 25",
        (
            "relationships",
            "build relationships",
            "strong relationship",
            "strong relationships",
            "relationship",
            "building relationships",
            "building strong relationships",
            "build strong relationships",
            "pontuacao relacionamentos",
            "relacionamentos",
            "cultivar relacionamentos",
            "cultive relacionamentos",
            "construir relacionamentos",
        ),
    ),
    _f(
        "industry_rank",
        "score",
        0,
        100,
        "a 'Top N%' rank from 0 to 100",
        (
            "industry rank",
            "industry ssi rank",
            "rank in industry",
            "industry top",
            "classificacao no setor",
            "classificacao do setor",
        ),
    ),
    _f(
        "network_rank",
        "score",
        0,
        100,
        "a 'Top N%' rank from 0 to 100",
        (
            "network rank",
            "network ssi rank",
            "rank in network",
            "network top",
            "classificacao na rede",
            "classificacao da rede",
        ),
    ),
    _f(
        "industry_ssi",
        "score",
        0,
        100,
        "an SSI from 0 to 100",
        ("industry ssi", "industry average ssi", "industry average", "industry score"),
    ),
    _f(
        "network_ssi",
        "score",
        0,
        100,
        "an SSI from 0 to 100",
        ("network ssi", "network average ssi", "network average", "network score"),
    ),
    # Activity metrics: stored in long form with the metric name below.
    _f(
        "profile_views",
        "metric",
        0,
        None,
        "a count of 0 or more",
        ("profile views", "profiles viewed", "views"),
    ),
    _f(
        "searches",
        "metric",
        0,
        None,
        "a count of 0 or more",
        ("searches", "searches performed", "people searches", "search count"),
    ),
    _f("days_active", "metric", 0, None, "a count of 0 or more", ("days active", "active days")),
    _f(
        "posts",
        "metric",
        0,
        None,
        "a count of 0 or more",
        ("posts", "shares", "posts published", "articles"),
    ),
    _f("comments", "metric", 0, None, "a count of 0 or more", ("comments", "comments made")),
    _f("reactions", "metric", 0, None, "a count of 0 or more", ("reactions", "likes")),
    _f("messages_sent", "metric", 0, None, "a count of 0 or more", ("messages sent", "messages")),
    _f(
        "messages_replied",
        "metric",
        0,
        None,
        "a count of 0 or more",
        ("messages replied", "replies", "messages answered", "replies received"),
    ),
    _f(
        "invitations_sent",
        "metric",
        0,
        None,
        "a count of 0 or more",
        (
            "invitations sent",
            "connection requests sent",
            "invites sent",
            "connection requests",
            "connection requests made",
        ),
    ),
    _f(
        "invitations_accepted",
        "metric",
        0,
        None,
        "a count of 0 or more",
        ("invitations accepted", "connection requests accepted", "invites accepted"),
    ),
    _f(
        "connections",
        "metric",
        0,
        None,
        "a count of 0 or more",
        ("connections", "total connections", "connection count"),
    ),
    _f("leads_saved", "metric", 0, None, "a count of 0 or more", ("leads saved", "leads")),
    _f("accounts_saved", "metric", 0, None, "a count of 0 or more", ("accounts saved", "accounts")),
    _f("inmails_sent", "metric", 0, None, "a count of 0 or more", ("inmails sent", "inmail sent")),
    _f(
        "inmails_accepted",
        "metric",
        0,
        None,
        "a count of 0 or more",
        ("inmails accepted", "inmail accepted"),
    ),
    _f("lists_created", "metric", 0, None, "a count of 0 or more", ("lists created", "lists")),
    _f(
        "connections_made",
        "metric",
        0,
        None,
        "a count of 0 or more",
        ("connections made", "new connections"),
    ),
    _f(
        "coach_level",
        "metric",
        1,
        4,
        "a coach level: Beginner, Intermediate, Advanced or Expert (or 1 to 4)",
        ("coach level", "coaching level", "sales navigator coach level"),
    ),
    _f(
        "inmail_acceptance_rate",
        "metric",
        0,
        100,
        "a percentage from 0 to 100",
        ("inmail acceptance rate", "inmail acceptance", "inmail response rate"),
    ),
    _f(
        "profile_completeness",
        "metric",
        0,
        100,
        "a percentage from 0 to 100",
        ("profile completeness", "profile complete", "profile strength"),
    ),
    _f(
        "endorsements",
        "metric",
        0,
        None,
        "a count of 0 or more",
        ("endorsements", "endorsements received"),
    ),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
SCORE_FIELDS = tuple(f.name for f in FIELDS if f.kind == "score")
METRIC_FIELDS = tuple(f.name for f in FIELDS if f.kind == "metric")
TEXT_FIELDS = tuple(f.name for f in FIELDS if f.kind == "text")
# Columns a tracker writes that carry no reading of ours: matched so they are not reported
# as unknown, and ignored.
IGNORED_HEADERS = ("ssi increase", "ssi change", "notes", "comment", "id", "url", "time",
                   "hora", "hora coleta", "hora referencia", "seat status", "member identity key",
                   "license type", "contract", "contract name")  # fmt: skip
# Coach levels as Sales Navigator names them, stored as 1..4 so they can be averaged.
COACH_LEVELS = {"beginner": 1, "intermediate": 2, "advanced": 3, "expert": 4}


def normalise_header(header: str) -> str:
    """'Find_the-Right People ' -> 'findtherightpeople': case, accents, spaces and
    punctuation go ('Pontuação' -> 'pontuacao')."""
    plain = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "", plain.lower())


_SYNONYMS: dict[str, str] = {}
for _field in FIELDS:
    for _syn in (_field.name, *_field.synonyms):
        _SYNONYMS.setdefault(normalise_header(_syn), _field.name)
_IGNORED = {normalise_header(h) for h in IGNORED_HEADERS}


# Pillar headers come in many forms: "Establishing Your Professional Brand", "Brand (0-25)",
# "PROFESSIONAL_BRAND", "Relationship building", "SSI - Insights". A header is a pillar when
# it holds exactly one pillar's key word and every other word is one such headers use.
_PILLAR_WORDS = {
    "brand": "brand", "branding": "brand",
    "people": "people",
    "insight": "insights", "insights": "insights",
    "relationship": "relationships", "relationships": "relationships", "relations": "relationships",
}  # fmt: skip
_PILLAR_FILLER = set(
    "establish establishing your a an the my professional find finding right engage engaging "
    "engagement with build building strong ssi score scores pillar sub subscore points pts of "
    "out and in on 0 25 100 current total".split()
)


def _words(header: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z]+|[0-9]+", plain.lower())


def pillar_in_words(header: str) -> tuple[str | None, bool]:
    """(the pillar a header names by its words, whether every other word is a known filler)."""
    words = _words(header)
    found = {_PILLAR_WORDS[w] for w in words if w in _PILLAR_WORDS}
    if len(found) != 1:
        return None, False
    rest = [w for w in words if w not in _PILLAR_WORDS]
    return found.pop(), all(w in _PILLAR_FILLER for w in rest)


def match_header(header: str) -> str | None:
    """The field a header names, or None when it is unknown."""
    key = normalise_header(header)
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    # Tolerate decorations such as "SSI (0-100)" or "Brand score".
    trimmed = re.sub(r"(score|points|pct|percent|0100|025)$", "", key)
    if trimmed in _SYNONYMS:
        return _SYNONYMS[trimmed]
    pillar, only_fillers = pillar_in_words(header)
    return pillar if only_fillers else None


def pillar_lookalike(header: str) -> str | None:
    """The pillar an unmatched header seems to be about ("Brand awareness"), for a hint."""
    pillar, only_fillers = pillar_in_words(header)
    return pillar if pillar and not only_fillers else None


def is_ignored_header(header: str) -> bool:
    return normalise_header(header) in _IGNORED


# The names people see for a field: the template's headers where the internal name differs.
PUBLIC_NAMES = {"rep_name": "name", "day": "date"}
_BY_PUBLIC = {v: k for k, v in PUBLIC_NAMES.items()}


def public_name(field: str | None) -> str | None:
    """'rep_name' -> 'name', 'day' -> 'date'; every other field keeps its name."""
    return None if field is None else PUBLIC_NAMES.get(field, field)


def public_names() -> list[str]:
    """Every field as a person names it in a mapping, in the order of FIELDS."""
    return [public_name(f.name) or f.name for f in FIELDS]


def field_for(name: str) -> str | None:
    """The field a mapping target names: a field ('day'), its public name ('date') or any
    header that names it ('Report date'). None when it names nothing we know."""
    text = str(name).strip()
    if text in FIELD_BY_NAME:
        return text
    if text.lower() in _BY_PUBLIC:
        return _BY_PUBLIC[text.lower()]
    return match_header(text) if text else None


# A CRM export's deal columns (ingest/deal_file.py), each with the headers that name it,
# normalised ("Opportunity ID" -> "opportunityid"). Pipedrive prefixes its headers with
# "Deal - ", taken off before matching.
DEAL_FIELDS: dict[str, tuple[str, ...]] = {
    "crm_id": ("opportunityid", "recordid", "dealid", "id", "opportunityidcasesafe"),
    "name": ("opportunityname", "dealname", "title", "name"),
    "account": ("accountname", "account", "associatedcompany", "company", "companyname",
                "organization", "organisation", "organizationname", "organisationname"),
    "owner": ("opportunityowner", "dealowner", "owner", "ownername", "ownerfullname"),
    "owner_email": ("owneremail", "opportunityowneremail", "dealowneremail", "owneremailaddress"),
    "stage": ("stage", "dealstage", "opportunitystage", "stagename"),
    "status": ("status", "dealstatus"),
    "won": ("won", "iswon"),
    "closed": ("closed", "isclosed"),
    "amount": ("amount", "value", "dealvalue", "dealamount", "opportunityamount"),
    "currency": ("currency", "amountcurrency", "opportunitycurrency", "dealcurrency",
                 "currencycode", "dealcurrencycode", "currencyisocode"),
    "created": ("createddate", "createdate", "addtime", "dealcreated", "createdon", "created",
                "dealcreatedon", "createdat"),
    "close_date": ("closedate", "closeddate", "dealclosedon", "expectedclosedate", "closedon"),
    "won_time": ("wontime", "wondate", "dealwontime"),
    "lost_time": ("losttime", "lostdate", "deallosttime"),
    "pipeline": ("pipeline",),
    "probability": ("probability", "probabilitypercent", "dealprobability"),
}  # fmt: skip
_DEAL_SYNONYMS = {name: field for field, names in DEAL_FIELDS.items() for name in names}


def deal_field(header: str) -> str | None:
    """The deal column a CRM export's header names, or None."""
    key = normalise_header(header)
    if key.startswith("deal") and normalise_header(header.split("-", 1)[0]) == "deal":
        key = normalise_header(header.split("-", 1)[1])  # Pipedrive: "Deal - Title"
    return _DEAL_SYNONYMS.get(key)
