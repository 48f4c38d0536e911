"""FHIR R4 Claim resources in JSON: a single Claim, or a Bundle whose Claim entries are read.

Each Claim is validated with fhir.resources' R4B model (R4B's Claim has the same fields as R4's
for everything read here); a Bundle's other entries (Patient, Coverage, ...) are skipped and not
validated. The case id is identifier[0].value, else the resource id; each item is a line (its CPT
or HCPCS coding, modifier codes, quantity); the date of service is the first item date, else
billablePeriod.start; diagnoses are the ICD-10-CM codings. Every problem is a one-line ClaimError
naming the file and the element path, e.g. `claim.json: Claim.item[0].quantity.value: ...`.
"""

from __future__ import annotations

from datetime import date, datetime

from fhir.resources.R4B.claim import Claim as FhirClaim
from fhir.resources.R4B.claim import ClaimItem
from fhir.resources.R4B.codeableconcept import CodeableConcept
from pydantic import ValidationError

from .claims import FHIR_RESOURCE_TYPES, Claim, ClaimError, ClaimLine

CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LINE_FIELDS = {"code": "productOrService", "modifiers": "modifier", "units": "quantity.value"}


def looks_like(obj: object) -> bool:
    """True for a parsed JSON object that is a FHIR Claim or Bundle."""
    return isinstance(obj, dict) and obj.get("resourceType") in FHIR_RESOURCE_TYPES


def read(obj: dict, name: str) -> list[Claim]:
    """The claims of a Claim resource (one) or of a Bundle's Claim entries (in entry order)."""
    kind = obj.get("resourceType") if isinstance(obj, dict) else None
    if kind == "Claim":
        return [_claim(obj, name, "Claim")]
    if kind != "Bundle":
        raise ClaimError(f"{name}: resourceType {kind!r} is not Claim or Bundle")
    entries = obj.get("entry") or []
    if not isinstance(entries, list):
        raise ClaimError(f"{name}: Bundle.entry: not a list")
    claims = [
        _claim(entry["resource"], name, f"Bundle.entry[{i}].resource")
        for i, entry in enumerate(entries)
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict)
        and entry["resource"].get("resourceType") == "Claim"
    ]
    if not claims:
        raise ClaimError(f"{name}: Bundle.entry: no Claim resource in the bundle")
    return claims


def _claim(raw: dict, name: str, where: str) -> Claim:
    try:
        resource = FhirClaim.model_validate(raw)
    except ValidationError as exc:
        raise ClaimError(f"{name}: {where}{_explain(exc)}") from None
    except Exception as exc:  # noqa: BLE001 - fhir.resources 8.3.0 raises a bare KeyError for
        # an unknown resourceType in `contained`; any such failure means an invalid resource
        problem = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        raise ClaimError(f"{name}: {where}: fhir.resources cannot validate it ({problem})") from None
    if not resource.item:
        raise ClaimError(f"{name}: {where}.item: claim has no items (service lines)")
    lines: list[ClaimLine] = []
    day: date | None = None
    for i, item in enumerate(resource.item):
        at = f"{where}.item[{i}]"
        lines.append(_line(item, name, at))
        if item.servicedPeriod:
            served_day = _day(item.servicedPeriod.start, name, f"{at}.servicedPeriod.start")
        else:  # every item's date is checked, the first one used
            served_day = _day(item.servicedDate, name, f"{at}.servicedDate")
        day = day or served_day
    if day is None and resource.billablePeriod:
        day = _day(resource.billablePeriod.start, name, f"{where}.billablePeriod.start")
    identifier = resource.identifier[0].value if resource.identifier else None
    try:
        case_id = identifier or resource.id
        return Claim(case_id=case_id, date_of_service=day, diagnoses=_diagnoses(resource), lines=lines)
    except ValidationError as exc:
        fields = {"diagnoses": "diagnosis", "case_id": "identifier"}
        raise ClaimError(f"{name}: {where}{_explain(exc, fields)}") from None


def _line(item: ClaimItem, name: str, at: str) -> ClaimLine:
    modifiers = []
    for j, modifier in enumerate(item.modifier or []):
        if not modifier.coding or not modifier.coding[0].code:
            raise ClaimError(f"{name}: {at}.modifier[{j}]: no coding with a code")
        modifiers.append(modifier.coding[0].code)
    quantity = item.quantity.value if item.quantity else None
    try:  # a float: ClaimLine accepts 2.0 as 2 and rejects 1.5
        return ClaimLine(
            code=_procedure_code(item.productOrService, name, at),
            modifiers=modifiers,
            units=1 if quantity is None else float(quantity),
        )
    except ValidationError as exc:
        raise ClaimError(f"{name}: {at}{_explain(exc, LINE_FIELDS)}") from None


def _procedure_code(concept: CodeableConcept, name: str, at: str) -> str:
    """The CPT or HCPCS coding's code, else the first coding's."""
    codings = [c for c in concept.coding or [] if c.code]
    if not codings:
        raise ClaimError(f"{name}: {at}.productOrService: no coding with a code")
    for coding in codings:
        system = coding.system or ""
        if system in (CPT, HCPCS) or "hcpcs" in system.lower():
            return coding.code
    return codings[0].code


def _diagnoses(resource: FhirClaim) -> list[str]:
    """ICD-10-CM codes (or codes with no system); a diagnosisReference is not followed."""
    codes = []
    for diagnosis in resource.diagnosis or []:
        concept = diagnosis.diagnosisCodeableConcept
        for coding in (concept.coding or []) if concept else []:
            if coding.code and coding.system in (None, ICD10CM):
                codes.append(coding.code)
    return codes


def _day(value: date | datetime | str | None, name: str, at: str) -> date | None:
    """A FHIR date or dateTime as a day; a partial date ('2024-03') cannot be a date of service."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    raise ClaimError(f"{name}: {at}: a partial date, not a day")


def _explain(exc: ValidationError, fields: dict[str, str] | None = None) -> str:
    """'.item[0].quantity.value: <message>' for the first error of a validation."""
    err = exc.errors()[0]
    path = ""
    for part in err["loc"]:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            part = "resourceType" if part == "resource_type" else (fields or {}).get(str(part), str(part))
            path += f".{part}"
    msg = " ".join(err["msg"].removeprefix("Value error, ").split())
    return f"{path}: {msg}"
