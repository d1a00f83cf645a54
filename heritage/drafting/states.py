"""The state a clause claims, from its wording.

A lexicon of verbs, participles and phrases maps wording to the state scale
(``DamageState`` values). Around each cue, general rules decide what the wording
really claims:

* **negation** ("was not damaged", "had not been touched"): a denied damage is a claim
  of ``intact``; a denied destruction or restoration claims nothing; "no *new*
  damage" claims nothing either;
* **modality and plans** ("could be restored in five years", "will be rebuilt", "to
  restore", a sentence starting with "If"): no claim;
* **attributive use** ("badly damaged buildings"): the cue describes the noun that
  follows it, not a monument;
* **parts** ("its roof was damaged", "only four of its columns still stood"): damage
  to a part is damage to the monument, a standing part says nothing about the whole;
* **contents** (statues smashed inside a museum): severe damage to the museum;
* **shares** ("80% of the site was in good shape", "much of the town was heavily
  damaged", "several monuments were dynamited"): the site as a whole is damaged, or
  severely damaged when most of it is destroyed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INTACT = "intact"
DAMAGED = "damaged"
SEVERELY_DAMAGED = "severely_damaged"
DESTROYED = "destroyed"
RESTORED = "restored"

EXPLOSIVES = "explosives"
SHELLING = "shelling"
FIGHTING = "fighting"
LOOTING = "looting"
VANDALISM = "vandalism"
MISUSE = "misuse"


@dataclass(frozen=True)
class _Entry:
    pattern: re.Pattern
    state: str | None  # None: claims something only when negated ("not touched")
    stative: bool = False  # a condition observed ("in ruins") rather than an event
    cause: str = ""
    if_negated: str | None = None  # the state a negated cue claims


def _entry(pattern: str, state: str | None, **kwargs) -> _Entry:
    return _Entry(re.compile(pattern, re.IGNORECASE), state, **kwargs)


# What a damage came from, between its size and the word: "severe bomb damage",
# "extensive shelling damage".
_DAMAGE_BY = (
    r"(?:(?:bomb|shell|shelling|war|fire|blast|missile|rocket|artillery|structural|combat|"
    r"battle|explosion|earthquake|water|smoke)\s+)?"
)

# Longer and more specific wordings first: a match hides shorter ones inside it.
LEXICON: list[_Entry] = [
    # "escaped damage": before "damage in", which it contains
    _entry(
        rf"\bescaped\s+(?:\w+\s+){{0,2}}{_DAMAGE_BY}(?:damage|destruction|harm)\b",
        INTACT,
        stative=True,
    ),
    # "suffering varying degrees of structural damage": a size that differs from one
    # monument to the next is no size for any of them.
    _entry(
        rf"\b(?:varying|various|different|differing)\s+degrees\s+of\s+{_DAMAGE_BY}damage\b",
        DAMAGED,
        stative=True,
    ),
    # severely damaged
    _entry(
        r"\b(?:heavily|badly|severely|seriously|extensively|substantially|massively|"
        r"significantly|gravely|critically)\s+damag(?:ed|ing)\b",
        SEVERELY_DAMAGED,
    ),
    # A structure at risk of collapse is standing only in part: "still standing but at
    # risk of collapse".
    _entry(
        r"\b(?:(?:at|under)\s+(?:\w+\s+)?risk\s+of|in\s+(?:\w+\s+)?danger\s+of|"
        r"on\s+the\s+verge\s+of|threaten(?:s|ed|ing)?\s+to)\s+collaps\w*",
        SEVERELY_DAMAGED,
        stative=True,
    ),
    _entry(
        r"\b(?:partly|partially|half|largely|mostly|almost|nearly)\s+(?:destroyed|collapsed|"
        r"demolished|"
        r"razed|levell?ed|flattened|burn(?:ed|t)(?:\s+down)?|gutted)\b",
        SEVERELY_DAMAGED,
    ),
    _entry(
        rf"\b(?:major|extensive|heavy|severe|serious|massive|significant)\s+{_DAMAGE_BY}damage\b|"
        # in the plural only as damage a building took, not the damages of a lawsuit
        rf"\b(?:suffer|sustain|due\s+to|because\s+of|owing\s+to|caus|incurr|inflict)\w*\s+"
        rf"(?:\w+\s+){{0,2}}?(?:major|extensive|heavy|severe|serious|massive|significant)\s+"
        rf"{_DAMAGE_BY}damages\b",
        SEVERELY_DAMAGED,
        stative=True,
    ),
    _entry(r"\bgutted\b", SEVERELY_DAMAGED),
    # What is left standing of a burned or shelled building: "a burned hulk", "a
    # burnt-out shell".
    _entry(
        r"\b(?:burn(?:ed|t)|blackened|charred|gutted|bombed|shelled)(?:[\s-]+out)?\s+"
        r"(?:hulk|shell|husk|carcass)\b(?!\s+of\s+(?:a|an)\b)",  # not "the shell of a bus"
        SEVERELY_DAMAGED,
        stative=True,
    ),
    # A ruin that still stands: "stands in solemn ruin", "still standing in ruins".
    _entry(
        r"\b(?:stands?|stood|standing)\s+(?:\w+\s+)?in\s+(?:\w+\s+)?ruins?\b",
        SEVERELY_DAMAGED,
        stative=True,
    ),
    # General wording of heavy damage: a structure wrecked or devastated, or
    # burned out, still stands in part.
    _entry(
        r"\b(?:wrecked|wrecking|devastated|mangled|"
        r"burn(?:ed|t)[\s-]+out|burn(?:ed|t)\s+out|gutted\s+by\s+fire)\b",
        SEVERELY_DAMAGED,
    ),
    _entry(
        r"\b(?:substantial|widespread|enormous|tremendous|great|grave|"
        r"immense|catastrophic|irreparable|irreversible|critical|structural)\s+"
        rf"{_DAMAGE_BY}damage\b",
        SEVERELY_DAMAGED,
        stative=True,
    ),
    _entry(
        r"\b(?:swallowed|consumed|engulfed|destroyed)\s+(?:almost|nearly|virtually|"
        r"practically)?\s*(?:the\s+)?(?:entire|whole)\s+(?:interior|inside|building)\b",
        SEVERELY_DAMAGED,
    ),
    # Damage found lighter than feared is limited damage, whatever the words around it.
    _entry(
        r"\b(?:lighter|less\s+(?:severe|serious|extensive|bad)|smaller|more\s+limited)\s+than\s+"
        r"(?:[\w']+\s+){0,3}?(?:feared|expected|thought|reported|believed)\b",
        DAMAGED,
        stative=True,
    ),
    # "the extent of the damage" speaks of damage without saying how much.
    _entry(
        r"\b(?:extent|scale|full\s+extent|assessment)\s+of\s+(?:the\s+)?(?:damage|destruction)\b",
        None,
        stative=True,
    ),
    # destroyed
    _entry(r"\bno\s+longer\s+stand(?:s|ing)?\b", DESTROYED, stative=True),
    # "All that is left of the theatre": remains, not a building.
    _entry(
        r"\ball\s+that\s+(?:is|was|remains|remained|has\s+been)\s*(?:left\s+)?of\b",
        DESTROYED,
        stative=True,
    ),
    _entry(
        r"\bnothing\s+(?:remains|remained|is\s+left|was\s+left|has\s+survived)\s+of\b",
        DESTROYED,
        stative=True,
    ),
    _entry(r"\breduced\s+(?:to|into)\s+(?:rubble|ruins|ashes|dust)\b", DESTROYED),
    _entry(
        r"\breduced\s+(?:[\w’'-]+\s+){1,6}?(?:to|into)\s+(?:rubble|ruins|ashes|dust)\b", DESTROYED
    ),
    # Destruction begun is damage so far.
    _entry(
        r"\b(?:began|begun|begins|started|starting|continues|continued)\s+(?:to\s+)?"
        r"(?:dismantl|destroy|demolish|raz|bulldoz|smash)\w*",
        DAMAGED,
    ),
    # Tools taken to a building: destruction under way.
    _entry(
        r"\b(?:tak(?:ing|es?)|took|taken)\s+(?:their\s+)?(?:pick-?axes|axes|sledgehammers|"
        r"hammers|bulldozers|shovels|chisels)\s+to\b",
        DAMAGED,
        cause=VANDALISM,
    ),
    _entry(r"\b(?:dismantled|dismantling)\b", DESTROYED),
    _entry(r"\bturned\s+(?:to|into)\s+rubble\b", DESTROYED),
    # A structure that fell: "gave way", "caved in", "came crashing down", "crumbled".
    _entry(
        r"\b(?:gave|give|gives|giving)\s+way\b|\b(?:caved|caving)\s+in\b|"
        r"\bcame\s+(?:crashing\s+|tumbling\s+)?down\b|\b(?:crumbled|crumbling|"
        r"annihilated|erased|eradicated|disintegrated)\b|"
        r"\bwiped\s+off\s+the\s+(?:map|face\s+of\s+the\s+earth)\b",
        DESTROYED,
    ),
    _entry(r"\bburn(?:ed|t)\s+to\s+the\s+ground\b", DESTROYED),
    # A building that is now "a ruin", "a shelled-out ruin": no longer a building. Not
    # an ancient site that is "an ancient ruin", "a UNESCO-listed ruin": only a ruin
    # made by the war ("a shelled-out ruin"), or one said plainly of the present.
    _entry(
        r"\b(?:is|was|are|were|became|become|now|remains?|remained|left)\s+"
        r"(?:(?:only|just|little\s+more\s+than|nothing\s+but)\s+)?(?:a|an)\s+"
        r"(?:(?:smoking|smouldering|charred|blackened|"
        r"(?:shell|bomb|burn|burnt|gutt|blast|fire)\w*(?:[\s-]+out)?)[\s-]+)?ruin\b"
        r"(?!\s+(?:when|before|until)\b)",  # "was a ruin when monks restored it"
        DESTROYED,
        stative=True,
    ),
    _entry(
        r"\bin\s+(?:(?:complete|total|utter)\s+)?(?:pieces|ruins?|rubble)\b",
        DESTROYED,
        stative=True,
    ),
    _entry(r"\b(?:burn(?:ed|t)|burning)\s+down\b", DESTROYED),
    _entry(r"\b(?:breaking|broke|broken)\s+up\b", DESTROYED, cause=VANDALISM),
    _entry(r"\b(?:pile|heap|mound)s?\s+of\s+(?:rubble|stones|debris)\b", DESTROYED, stative=True),
    _entry(r"\bblew\s+(?:it|them)\s+up\b", DESTROYED, cause=EXPLOSIVES),
    _entry(r"\b(?:blew|blown|blowing|blows|blow)\s+up\b", DESTROYED, cause=EXPLOSIVES),
    _entry(r"\bdynamit(?:ed|ing|es)\b", DESTROYED, cause=EXPLOSIVES),
    _entry(r"\b(?:bulldozed|bulldozing)\b", DESTROYED, cause=VANDALISM),
    _entry(r"\b(?:smashed|smashing|shattered)\b", DESTROYED, cause=VANDALISM),
    _entry(
        r"\b(?:destroyed|destroying|destroys|razed|razing|razes|demolished|demolishing|"
        r"demolishes|levell?ed|flattened|obliterated|toppled|pulveri[sz]ed|collapsed|"
        # bare forms: a modal or a plan before them claims nothing, but "used
        # sledgehammers to destroy", "managed to demolish" did it
        r"destroy|demolish|raze|obliterate|flatten)\b",
        DESTROYED,
    ),
    _entry(r"\b(?:wiped\s+out|torn\s+down|tore\s+down|knocked\s+down|pulled\s+down)\b", DESTROYED),
    _entry(r"\b(?:destruction|loss)\s+(?:(?!of\b)\w+\s+){0,4}?of\b", DESTROYED),
    _entry(r"\bexploded\b", DESTROYED, cause=EXPLOSIVES),
    # damaged
    _entry(
        r"\b(?:bears?|bore|bearing)\s+(?:the\s+)?(?:marks|scars|traces)\s+of\s+(?:the\s+)?\w+",
        DAMAGED,
        stative=True,
        cause=FIGHTING,
        if_negated=INTACT,
    ),
    _entry(r"\bmarks\s+of\s+(?:the\s+)?fighting\b", DAMAGED, stative=True, cause=FIGHTING),
    _entry(r"\b(?:shelled|pockmarked|scarred)\b", DAMAGED, cause=SHELLING, if_negated=INTACT),
    # "was not hit", "wasn't struck": spared by the strikes.
    _entry(
        r"\b(?:was|were|has\s+been|have\s+been|had\s+been)(?:\s+not|\s+never|n['’]t)\s+"
        r"(?:directly\s+)?(?:hit|struck)\b",
        INTACT,
        stative=True,
    ),
    # Struck by a weapon: "was hit by a missile", "the shell hit the roof", "dropped a
    # bomb on the theatre". A strike near a building ("hit near") is not one on it.
    _entry(
        r"\b(?:was|were|been|being|got)\s+(?:also\s+)?(?:directly\s+)?(?:hit|struck)\b"
        r"(?!\s+(?:near|close|nearby|next|outside|around)\b)",
        DAMAGED,
        cause=SHELLING,
        if_negated=INTACT,
    ),
    _entry(
        r"\b(?:missiles?|rockets?|shells?|strikes?|airstrikes?|bombs?|projectiles?|drones?|"
        r"mortars?)\s+(?:also\s+|directly\s+)?(?:hit|struck|slammed\s+into|landed\s+on)\b"
        r"(?!\s+(?:near|close|nearby|next|outside|around)\b)",
        DAMAGED,
        cause=SHELLING,
    ),
    _entry(
        r"\bdropp(?:ed|ing|s)\s+(?:an?\s+|the\s+)?(?:[\w‘’'\"-]+\s+){0,3}?bombs?[‘’'\"]?"
        r"\s+(?:on|onto)\b",
        DAMAGED,
        cause=SHELLING,
    ),
    _entry(r"\b(?:looted|ransacked|plundered|pillaged)\b", DAMAGED, cause=LOOTING),
    # Stripped of its contents, or of a share of them.
    _entry(
        r"\b(?:stripp(?:ed|ing)|emptied|robbed|despoiled)\b(?=[^.;]{0,40}?\bof\b)",
        DAMAGED,
        cause=LOOTING,
    ),
    # Marks of fire arms on the structure, and fire set to it.
    _entry(
        r"\b(?:riddled|peppered|pitted)\s+(?:with|by)\b|"
        r"\b(?:bullet|shell|shrapnel)[\s-]+(?:hole|holes)[\s-]+(?:ridden|riddled)\b|"
        r"\btaken\s+(?:(?:dozens|scores|hundreds)\s+of\s+|several\s+|many\s+)?(?:direct\s+)?hits\b|"
        r"\bsuffered\s+(?:\d+\s+|(?:dozens|scores|hundreds)\s+of\s+)?(?:direct\s+)?hits\b",
        DAMAGED,
        cause=SHELLING,
    ),
    _entry(
        r"\b(?:set\s+(?:on\s+fire|ablaze|alight|fire\s+to)|torched|firebombed|"
        r"went\s+up\s+in\s+flames|caught\s+fire|desecrated)\b",
        DAMAGED,
    ),
    _entry(r"\b(?:charred|scorched|blackened|burned|burnt|cracked|cracking)\b", DAMAGED),
    _entry(
        rf"\bsuffered\s+(?:some\s+|(?:minor|limited|slight|light)\s+)?{_DAMAGE_BY}damage\b",
        DAMAGED,
        stative=True,
        if_negated=INTACT,
    ),
    _entry(r"\b(?:vandali[sz]ed|defaced)\b", DAMAGED, cause=VANDALISM),
    _entry(
        r"\bused\b[^.;]{0,60}?\b(?:as|for)\b[^.;]{0,30}?\b"
        r"(?:executions?|base|barracks|headquarters|prison|depot|arsenal)\b",
        DAMAGED,
        cause=MISUSE,
    ),
    _entry(
        r"\b(?:minor|limited|slight|light|some|considerable|moderate|visible|notable)\s+"
        rf"{_DAMAGE_BY}damage\b",
        DAMAGED,
        stative=True,
    ),
    _entry(r"\bdamage\s+(?:in|to|at|on)\b", DAMAGED, stative=True, if_negated=INTACT),
    _entry(r"\b(?:damaged|damaging|damages)\b", DAMAGED, if_negated=INTACT),
    # intact
    _entry(
        r"\b(?:still|remains?|remained)\s+(?:standing|stands?|stood|intact|in\s+place)\b",
        INTACT,
        stative=True,
    ),
    _entry(
        r"\bin\s+(?:(?:relatively|fairly|reasonably|very|quite|generally)\s+)?good\s+"
        r"(?:shape|condition|state|order)\b",
        INTACT,
        stative=True,
    ),
    _entry(
        r"\b(?:undamaged|intact|unharmed|unscathed|untouched|unaffected|unbroken|"
        r"unspoiled|unspoilt)\b",
        INTACT,
        stative=True,
    ),
    _entry(r"\bspared\b", INTACT, stative=True),
    _entry(
        r"\b(?:stands?|stood|standing)\s+tall\b|\b(?:survived|survives|came\s+through|"
        r"come\s+through)\b",
        INTACT,
        stative=True,
    ),
    _entry(r"\b(?:left|remained|remain|remains)\s+standing\b", INTACT, stative=True),
    _entry(r"\b(?:touched|harmed|affected)\b", None, stative=True, if_negated=INTACT),
    # restored
    _entry(
        r"\b(?:restoration|reconstruction|rebuilding)\s+(?:was|has\s+been|is\s+now|had\s+been)\s+"
        r"(?:completed|finished)\b",
        RESTORED,
    ),
    _entry(
        r"\bafter\s+(?:its\s+|a\s+|the\s+)?(?:restoration|reconstruction|rebuilding|repairs)\b",
        RESTORED,
    ),
    _entry(r"\bput\s+back\s+together\b", RESTORED),
    # Reopened after its destruction: a rebuilding done ("was reopened on Saturday, 23
    # years after it was levelled", "reopened ... after it was burned down").
    _entry(
        r"\bre-?open(?:ed|s)?\b(?=[^.;]{0,80}?\b(?:after|since)\b[^.;]{0,40}?\b(?:destroyed|"
        r"levell?ed|razed|demolished|burn(?:ed|t)|blown\s+up|dynamited|bulldozed|collapsed|"
        r"reduced\s+to\s+rubble|destruction|demolition)\b)",
        RESTORED,
    ),
    _entry(r"\b(?:fully|completely|entirely)\s+(?:renovated|rehabilitated)\b", RESTORED),
    _entry(r"\bpiec(?:ed|ing)\b[^.;]{0,40}?\btogether\b", RESTORED),
    # "renovated" is not here: a renovation is not a repair of damage.
    _entry(r"\b(?:restored|rebuilt|reconstructed|repaired|reassembled)\b", RESTORED),
    # bare forms: after a modal or a plan they claim nothing, but "managed to rebuild"
    # did it ("repair" is left out: "beyond repair", "in need of repair")
    _entry(r"\b(?:restore|rebuild|reconstruct)\b", RESTORED),
]

_NEGATION = re.compile(
    r"(?:\b(?:not|never|no|without|nor|neither|cannot|hardly|barely|scarcely|yet\s+to)\b|"
    r"n['’]t\b)"
    r"(?P<rest>(?:\s+[\w'’-]+){0,4}?)\s*$",
    re.IGNORECASE,
)
# "no new damage", "not further damaged": the extent of earlier damage, not a denial;
# "no reports of damage": a denial of news, not of damage.
_QUALIFIED_DENIAL = re.compile(
    r"\b(?:new|further|additional|more|fresh|significant|major|serious|much|extensive|"
    r"badly|heavily|seriously|severely|completely|entirely|totally|fully|reports?|word|"
    r"news|information|confirmation|indication|evidence|sign|signs|clear|known|yet\s+known)\b",
    re.IGNORECASE,
)
_MODAL = re.compile(
    r"\b(?:could|would|will|might|can|should|shall|must|cannot|may|plans?|planned|planning|"
    r"hopes?|hoped|hoping|aims?|aimed|wants?|wanted|vows?|vowed|threat(?:en|ens|ened)|"
    r"intends?|intended|expected|expects?|fears?|feared|risks?|likely|possibly|prevent|"
    r"prevented|avoid|stop|"
    r"perhaps|unless|if|thought|believed|imagined|worried|afraid|wondered|would\s+be)\b|"
    r"['’](?:ll|d)\b",
)
# Fears, hopes and expectations govern the whole clause after them: "officials had feared
# they would find the temples reduced to rubble".
_ATTITUDE = re.compile(
    r"\b(?:fear(?:s|ed)?|hop(?:e|es|ed)|expect(?:s|ed)?|worr(?:y|ies|ied)|afraid|"
    r"thought|imagin(?:e|es|ed)|dread(?:s|ed)?|predict(?:s|ed)?|warn(?:s|ed)|"
    r"threat(?:en|ens|ened))\b",
    re.IGNORECASE,
)
# "chose to blow up", "managed to destroy": the act was done.
_IMPLICATIVE = re.compile(
    r"\b(?:chose|chosen|managed|proceeded|went\s+on|went\s+ahead|succeeded\s+in)\s+to\s*$|"
    r"\b(?:used|using)\b[^.;]{0,60}?\s+to\s*$",
    re.IGNORECASE,
)
# "is being restored" (under way), not "after being restored" (done).
_UNDER_WAY = re.compile(
    r"(?<!\bafter\s)(?<!\bsince\s)(?<!\bupon\s)\bbeing\s+(?:\w+ly\s+)?$", re.IGNORECASE
)
_INFINITIVE = re.compile(r"\bto(?:\s+(?:be|have\s+been|have))?\s*$", re.IGNORECASE)
_CONDITIONAL_START = re.compile(r"^[\"'“‘(]*(?:if|unless|should|were)\b", re.IGNORECASE)

# Words that may follow a cue that still describes the monument before it; any other
# lower-case word after the cue is the noun it describes or acts on ("damaged buildings").
FOLLOWERS = set(
    """
    the a an by in on at during after before since and or but with as last this that these
    those from to into over under its their his her our some several all more than when
    while because although though which who whom whose so yet not also again for of until
    following amid between among about nearly almost only much many both beyond inside
    outside near there here then now already still once twice years months weeks days
    ago overnight today yesterday early late was were is are had has have be been being it
    them they he she we you what where whether leaving repair what's according say says
    said told even just further altogether apart sometime later earlier too either two
    three four five six seven eight nine ten dozen dozens scores most part parts
    """.split()
)
# Parts whose loss takes the structure with it: destroying one is severe damage.
STRUCTURAL_PARTS = re.compile(
    r"\b(?:fa[cç]ade|front(?:\s+wall)?|roofs?|walls|dome|domes|central\s+part|main\s+hall|"
    r"prayer\s+hall|nave|vaults?|towers?|upper\s+part|foundations)\b",
    re.IGNORECASE,
)
PARTS = re.compile(
    r"\b(?:fa[cç]ade|roof|roofs|walls?|gates?|columns?|pillars?|base|dome|domes|portico|"
    r"entrance|courtyard|prayer\s+hall|hall|interior|floor|ceiling|windows?|doors?|steps|"
    r"foundations|sections?|wing|galleries|upper\s+part|top|stage|apse|altar|"
    r"arcades?|vaults?|nave|porch|staircase|terrace|niches?|archways?|arches|front|"
    r"central\s+part|towers?|tombs?|ramparts?|icons?|frescoe?s|murals?|pulpit|minbar|"
    r"mihrab|stonework|masonry|buildings|houses|homes|structures)\b",
    re.IGNORECASE,
)
# Units that a site is made of: some of them destroyed is damage to the site.
UNITS = re.compile(r"\b(?:buildings|houses|homes|structures|tombs|shrines)\b", re.IGNORECASE)
CONTENTS = re.compile(
    r"\b(?:statues?|relics?|artefacts?|artifacts?|sculptures?|reliefs?|exhibits?|"
    r"antiquities|collections?|objects|treasures|carvings|busts|figurines|manuscripts)\b",
    re.IGNORECASE,
)
_CONTENT_WORD = re.compile(r"\s*[\"'“”‘’]?\s*([a-z][a-z-]*)\b")


@dataclass(frozen=True)
class Cue:
    """Wording that claims a state, with its position in the clause searched."""

    start: int
    end: int
    state: str
    phrase: str
    stative: bool
    cause: str = ""


# A history of repeated events ("has been rebuilt on each occasion", "destroyed and
# rebuilt many times over the centuries") tells the monument's past, not its state now.
HABITUAL = re.compile(
    r"\b(?:on\s+each\s+occasion|each\s+time|every\s+time|time\s+and\s+(?:time\s+)?again|"
    r"(?:several|many|multiple|numerous|countless|various)\s+times|over\s+the\s+(?:centuries|"
    r"ages|millennia)|throughout\s+(?:its|their|the\s+city['’]s)\s+(?:long\s+)?history)\b",
    re.IGNORECASE,
)
# "destroying large parts of it", "damaged much of the mosque": a share of the monument
# the cue acts on, when the monument itself is named before the cue.
SHARE_AFTER = re.compile(
    r"\s+(?P<share>much|most|large\s+parts?|major\s+parts?|big\s+parts?|the\s+bulk|"
    r"half|parts?|some|sections?|a\s+(?:small\s+)?part|portions?)\s+of\s+"
    r"(?=it\b|them\b|the\b|its\b|their\b)",
    re.IGNORECASE,
)
_MAJORITY_SHARES = re.compile(r"much|most|large|major|big|the\s+bulk|half", re.IGNORECASE)


_REBUILT = re.compile(r"\b(?:restored|rebuilt|reconstructed|repaired|rose\s+again)\b", re.I)


def is_history_of_rebuilding(sentence: str) -> bool:
    """ "damaged by wars and earthquakes but rebuilt on each occasion": a cycle of damage
    and rebuilding repeated in the past; none of the sentence is the state now."""
    return bool(HABITUAL.search(sentence) and _REBUILT.search(sentence))


# "Prior to the recent war, the cathedral had been damaged …", "Before the war it had
# been restored": the past perfect under a time before the reported events tells the
# monument's earlier history, not what the article reports.
_BEFORE_THE_EVENT = re.compile(
    r"^\W*(?:prior\s+to|before|until|in\s+the\s+years\s+before)\s+(?:the|this|that|its|their)\s+"
    r"(?:(?:recent|current|latest|last|present|ongoing)\s+)?(?:war|conflict|fighting|"
    r"invasion|offensive|occupation|siege|attacks?|strikes?|bombardment|hostilities)\b"
    r"[^.;]*?\bhad\s+(?:been\s+|already\s+been\s+)?\w+(?:ed|en|t)\b",
    re.IGNORECASE,
)


def is_before_the_event(sentence: str) -> bool:
    """A sentence about the time before the reported events, in the past perfect."""
    return bool(_BEFORE_THE_EVENT.search(sentence))


def share_after(clause: str, cue_end: int) -> str | None:
    """ "majority" or "minority" for a share named right after a cue, else None."""
    match = SHARE_AFTER.match(clause, cue_end)
    if not match:
        return None
    return "majority" if _MAJORITY_SHARES.match(match.group("share")) else "minority"


def find_cues(clause: str, *, mention_starts: frozenset[int] = frozenset()) -> list[Cue]:
    """The state claims of one clause, after negation, modality, attributive use and a
    habitual history ("rebuilt on each occasion": no claim).

    *mention_starts*: offsets (in *clause*) where a monument is named, so that "the
    rebuilt al-Hadba minaret" is not read as a cue describing a common noun.
    """
    if HABITUAL.search(clause):
        return []
    return [
        Cue(
            raw.start,
            raw.end,
            raw.state,
            raw.phrase,
            raw.stative or raw.state == INTACT,
            raw.cause,
        )
        for raw in raw_cues(clause, mention_starts=mention_starts)
        if raw.state
    ]


@dataclass(frozen=True)
class RawCue:
    """A lexicon match before the rules decide what it claims: ``state`` is what
    :func:`find_cues` reads from it (None when a rule drops it), ``lexicon`` the state
    of the wording itself, and the flags say which rules looked at it."""

    start: int
    end: int
    phrase: str
    lexicon: str | None
    if_negated: str | None
    stative: bool
    cause: str
    state: str | None
    modal: bool  # a modal, a plan or an infinitive before it
    attitude: bool  # a fear, hope or expectation governs it
    attributive: bool  # it describes the noun after it
    negated: bool
    qualified: bool  # a qualified denial: "no new damage"


def raw_cues(clause: str, *, mention_starts: frozenset[int] = frozenset()) -> list[RawCue]:
    """Every lexicon match of *clause* (a longer match hides shorter ones inside it),
    with the state the rules read from it and why they drop it."""
    matches: list[tuple[int, int, _Entry]] = []
    for entry in LEXICON:
        for match in entry.pattern.finditer(clause):
            if any(s < match.end() and match.start() < e for s, e, _ in matches):
                continue
            matches.append((match.start(), match.end(), entry))
    found = []
    for start, end, entry in sorted(matches, key=lambda m: m[0]):
        before = clause[:start]
        window = " ".join(before.split()[-5:])
        modal = bool(
            (_INFINITIVE.search(before) and not _IMPLICATIVE.search(before))
            or _MODAL.search(window)
            # "is being restored": a repair under way is not yet done (a plan, as modal)
            or (entry.state == RESTORED and _UNDER_WAY.search(before))
        )
        attitude = bool(_ATTITUDE.search(before))
        attributive = not _describes_what_precedes(clause, start, end, mention_starts)
        negation = _NEGATION.search(before)
        qualified = bool(negation) and bool(
            _QUALIFIED_DENIAL.search(negation.group())
            or _QUALIFIED_DENIAL.search(clause[start:end])
        )
        if modal or attitude or attributive or qualified:
            state = None
        elif negation:
            state = entry.if_negated
        else:
            state = entry.state
        found.append(
            RawCue(
                start,
                end,
                clause[start:end],
                entry.state,
                entry.if_negated,
                entry.stative,
                entry.cause,
                state,
                modal,
                attitude,
                attributive,
                bool(negation),
                qualified,
            )
        )
    return found


def has_modality(sentence: str) -> bool:
    """The sentence has a modal, a negation or a condition somewhere (not only at a cue)."""
    return bool(_MODAL.search(sentence) or _NEGATION_WORD.search(sentence))


_NEGATION_WORD = re.compile(r"\b(?:not|never|no|without|nor)\b|n['’]t\b", re.IGNORECASE)


def is_question(sentence: str) -> bool:
    return sentence.strip().endswith("?")


def is_condition(clause: str, first: bool = True) -> bool:
    """A clause stating a condition ("If they enter the site"): it and the clause that
    follows it ("they will destroy it") are hypothetical. An inverted condition ("Were
    they to enter …", "Should they …") opens a sentence; after a comma "were damaged" is
    a plain verb."""
    match = _CONDITIONAL_START.match(clause.strip())
    if not match:
        return False
    return first or not re.match(r"[\"'“‘(]*(?:were|should)\b", clause.strip(), re.IGNORECASE)


def hypothetical_clauses(texts: list[str]) -> set[int]:
    """The positions of the clauses (of one sentence, in order) that a condition makes
    hypothetical: each condition and the clause after it (see :func:`is_condition`)."""
    hypothetical: set[int] = set()
    for number, text in enumerate(texts):
        if is_condition(text, first=number == 0):
            hypothetical |= {number, number + 1}
    return hypothetical


_ATTRIBUTIVE_BEFORE = re.compile(
    r"(?:^|\b(?:the|a|an|its|their|his|her|these|those|this|that|some|many|several|other|"
    r"and|or|of|with|by|in|on|at|from|two|three|four|five|\d+)\s+|\b\w+ly\s+|[\"'“‘(]\s*)$",
    re.IGNORECASE,
)


def _describes_what_precedes(
    clause: str, start: int, end: int, mention_starts: frozenset[int]
) -> bool:
    """False for "badly damaged buildings": the cue qualifies the noun after it; but
    after an auxiliary ("have destroyed ancient remains of …") it is a verb and what
    follows is its object."""
    following = _CONTENT_WORD.match(clause, end)
    if not following:
        return True
    if not _ATTRIBUTIVE_BEFORE.search(clause[:start]) or re.search(
        r"ing(?:\s+up)?$", clause[start:end], re.I
    ):
        # A verb after its subject or auxiliary, or a participle ("smashing statues",
        # "breaking up sculptures"): what follows is its object.
        return True
    word = following.group(1)
    if (
        word in FOLLOWERS
        or word.endswith(("ly", "ing"))  # adverbs, and participles: "rebuilt using …"
        or following.start(1) in mention_starts
    ):
        return True
    return bool(
        PARTS.match(clause, following.start(1)) or CONTENTS.match(clause, following.start(1))
    )


# --- from a cue to the claim on one monument ---------------------------------------------


# "in good condition, apart from its stage": the good condition is not the whole story.
EXCEPTION_AFTER = re.compile(
    r"^[\s,;–—-]*(?:apart\s+from|except(?:\s+for)?|but\s+for|save\s+for|other\s+than|"
    r"with\s+the\s+exception\s+of)\b",
    re.IGNORECASE,
)


def state_for_exception(state: str) -> str:
    """An intact state with an exception ("apart from its stage") is damage."""
    return DAMAGED if state == INTACT else state


def state_for_part(state: str, part: str = "") -> str | None:
    """The claim on a monument when the clause is about one of its parts: destroying a
    structural part ("blew up the front wall of the hall") is severe damage, any other
    damage to a part is damage."""
    if state == INTACT:
        return None  # a standing gate says nothing about the rest
    if state == RESTORED:
        return RESTORED
    if state == DESTROYED and STRUCTURAL_PARTS.fullmatch(part.strip()):
        return SEVERELY_DAMAGED
    return DAMAGED


def state_for_share(state: str, share: str | None) -> str:
    """The claim on a place when the clause is about a share of it ("80% of the site")."""
    if share is None or state == RESTORED:
        return state
    if state == INTACT:
        return DAMAGED  # the rest is not in good shape
    if share == "majority" and state in (DESTROYED, SEVERELY_DAMAGED):
        return SEVERELY_DAMAGED
    return DAMAGED


def state_for_contents(state: str) -> str:
    """Smashed statues or relics inside a museum: the museum is severely damaged."""
    return SEVERELY_DAMAGED if state in (DESTROYED, SEVERELY_DAMAGED) else state
