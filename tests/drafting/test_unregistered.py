"""Names of buildings in an article that the registry does not hold are told to the
curator, so that a monument or an alias can be added before drafting again."""

import datetime
import json

from django.core.management import call_command

from heritage.drafting.article import NothingToDraft, draft_article
from heritage.drafting.places import Gazetteer, Place, article_context, find_mentions
from heritage.drafting.unregistered import LIMIT, unregistered_names

MOSUL = Gazetteer([Place("great-mosque", "Great Mosque of al-Nuri", "mosque", "mosul", None)])
DAY = datetime.date(2017, 6, 22)


def names(*sentences, gazetteer=MOSUL):
    context = article_context(gazetteer, " ".join(sentences))
    return unregistered_names((s, find_mentions(s, gazetteer, context)) for s in sentences)


def test_a_building_s_name_the_registry_does_not_hold_is_told():
    assert names("Militants also blew up the Tefderder Mosque in the old city.") == [
        "Tefderder Mosque"
    ]
    assert names("The Church of the Immaculate Conception was burnt to the ground.") == [
        "Church of the Immaculate Conception"
    ]
    assert names("They prayed at St. John's Church on Sunday.") == ["St. John's Church"]


def test_a_registered_monument_a_kind_or_a_denomination_is_not_told():
    assert names("Militants blew up the Great Mosque of al-Nuri on Wednesday.") == []
    assert names("The Mosque was hit.", "A church was hit.") == []
    assert names("The Catholic Church condemned the attack.") == []
    assert names("The Armenian Apostolic Church said it was damaged.") == []


def test_each_name_is_told_once_and_at_most_a_few():
    many = [f"The Tefder{i} Mosque was hit." for i in range(LIMIT + 3)]
    told = names("The Tefderder Mosque was hit.", "The Tefderder Mosque burned.", *many)
    assert told[0] == "Tefderder Mosque"
    assert len(told) == LIMIT
    assert len(set(told)) == LIMIT


def test_the_draft_warns_of_them_beside_its_claims():
    text = (
        "Mosul mosques razed\n\n"
        "Militants blew up the Great Mosque of al-Nuri and the Tefderder Mosque on June 21, 2017.\n"
    )
    draft = draft_article(text, gazetteer=MOSUL, published_on=DAY, today=DAY)
    assert [c.monument for c in draft.claims] == ["great-mosque"]
    assert any("Tefderder Mosque" in w and "does not hold" in w for w in draft.warnings)


def test_an_article_naming_only_unregistered_buildings_says_which(tmp_path, db, capsys):
    text = "Mosque razed\n\nMilitants blew up the Tefderder Mosque on June 21, 2017.\n"
    try:
        draft_article(text, gazetteer=MOSUL, published_on=DAY, today=DAY)
    except NothingToDraft as exc:
        assert exc.unregistered == ["Tefderder Mosque"]
    else:
        raise AssertionError("drafted an article about no registered monument")
    path = tmp_path / "tefderder.txt"
    path.write_text(text, encoding="utf-8")
    call_command("draft_fixture", str(path), "--published-on", "2017-06-22")
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    assert "names no monument of the registry" in captured.err
    assert "may be monuments the registry does not hold" in captured.err
    assert "Tefderder Mosque" in captured.err
