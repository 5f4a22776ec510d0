"""The indicator registry: stable, unique ids grouped by area."""

from doc_check import indicators


def test_ids_unique_and_dotted() -> None:
    ids = indicators.ids()
    assert len(ids) == len(set(ids))
    assert all("." in i and i == i.lower() for i in ids)


def test_every_indicator_has_an_area() -> None:
    for ind in indicators.INDICATORS:
        assert ind.area in indicators.AREAS, ind.id
    grouped = indicators.by_area()
    assert sum(len(v) for v in grouped.values()) == sum(i.checklist for i in indicators.INDICATORS)


def test_capture_quality_is_a_note_off_the_checklist() -> None:
    ind = indicators.get("capture.quality")
    assert not ind.fraud_sign and not ind.checklist
    assert all(i.id != "capture.quality" for items in indicators.by_area().values() for i in items)


def test_prefixes_are_known_but_fragments_are_not() -> None:
    assert indicators.is_known("mrz.check_digit.birth_date")
    assert indicators.is_known("mrz.check_digit")
    assert not indicators.is_known("mrz.check")
    assert not indicators.is_known("nonsense.thing")


def test_icao_triples_recorded() -> None:
    assert indicators.get("ir.mrz").icao == "(IR,AB,MR)"
    assert indicators.get("uv.paper_bright").icao == "(UV,BR,FU)"
    assert not indicators.get("doc.expired").fraud_sign
