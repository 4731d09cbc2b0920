"""Make the bundled demo: ``src/commdash/demo_data/demo.json`` (format commdash/v1).

The demo is a realistic export of the Facebook community of Kestrel Cycles, an independent
bike shop and repair workshop in Bergen with an online store: 30 posts on the Page and in the
members group (published, scheduled, pending and a draft) and a few hundred comments in
threads, in several languages, timed relative to ``exported_at`` so that there are fresh
messages, messages far over a 60-minute SLA, answered, unanswered and followed-up
conversations.

The output is deterministic (seeded ``random.Random(2026)``, no wall clock): every run writes
a byte-identical file. Stdlib only. Run from the repository root::

    python sample_data/make_demo.py
"""

# The texts are deliberately multilingual (Norwegian, Japanese, Cyrillic, Greek...).
# ruff: noqa: RUF001

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "commdash" / "demo_data" / "demo.json"

EXPORTED_AT = datetime(2026, 11, 25, 9, 0, 0, tzinfo=UTC)
PAGE = {"id": "page-kestrel", "name": "Kestrel Cycles"}
PAGE_CHANNEL = "Kestrel Cycles"
GROUP_CHANNEL = "Kestrel Riders (members group)"
PERMALINK = "https://example.invalid/kestrel/posts/{}"
SLA = timedelta(minutes=60)

rng = random.Random(2026)


# --------------------------------------------------------------------------------------------
# Members: display name, given name (for "{name}" in replies), languages they write in.
# The first ones are the regulars who comment more often than the rest.

MEMBERS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Ingrid Solheim", "Ingrid", ("no", "en")),
    ("Magnus Haugland", "Magnus", ("no", "en")),
    ("Sigrid Vik", "Sigrid", ("no", "en")),
    ("Eirik Brekke", "Eirik", ("no", "en")),
    ("Tom Whitaker", "Tom", ("en",)),
    ("Katarzyna Nowak", "Kasia", ("pl", "en", "no")),
    ("Lucía Fernández", "Lucía", ("es", "en")),
    ("Kari Nordtveit", "Kari", ("no", "en")),
    ("Ola Fjeldstad", "Ola", ("no", "en")),
    ("Thea Rasmussen", "Thea", ("no", "en")),
    ("Håkon Lie", "Håkon", ("no", "en")),
    ("Marte Aasen", "Marte", ("no", "en")),
    ("Silje Myklebust", "Silje", ("no", "en")),
    ("Anders Tveit", "Anders", ("no", "en")),
    ("Ragnhild Østby", "Ragnhild", ("no", "en")),
    ("Torbjørn Hjelle", "Torbjørn", ("no", "en")),
    ("Ingvild Dale", "Ingvild", ("no", "en")),
    ("Astrid Hovland", "Astrid", ("no", "en")),
    ("Sindre Bakke", "Sindre", ("no", "en")),
    ("Nora Kvamme", "Nora", ("no", "en")),
    ("Lars Helle", "Lars", ("no", "en")),
    ("Emilie Strand", "Emilie", ("no", "en")),
    ("Vegard Nilsen", "Vegard", ("no", "en")),
    ("Hanne Sørheim", "Hanne", ("no", "en")),
    ("Kristoffer Aase", "Kristoffer", ("no", "en")),
    ("Mari Eide", "Mari", ("no", "en")),
    ("Øyvind Tangen", "Øyvind", ("no", "en")),
    ("Åse Fosse", "Åse", ("no", "en")),
    ("Bjørn Ulvik", "Bjørn", ("no", "en")),
    ("Tuva Hauge", "Tuva", ("no", "en")),
    ("Elin Lindqvist", "Elin", ("en", "no")),
    ("Mads Kjær", "Mads", ("en", "no")),
    ("Aino Virtanen", "Aino", ("en",)),
    ("Guðrún Jónsdóttir", "Guðrún", ("en", "no")),
    ("Javier Morales", "Javier", ("es", "en")),
    ("Carmen Ruiz", "Carmen", ("es", "en")),
    ("Diego Herrera", "Diego", ("es", "en")),
    ("Sofía Navarro", "Sofía", ("es", "en")),
    ("Pablo Ortega", "Pablo", ("es", "en")),
    ("Valentina Rojas", "Valentina", ("es", "en")),
    ("Mateo Gutiérrez", "Mateo", ("es", "en")),
    ("Lena Schmidt", "Lena", ("de", "en")),
    ("Matthias Krüger", "Matthias", ("de", "en")),
    ("Anna Weiß", "Anna", ("de", "en")),
    ("Felix Hoffmann", "Felix", ("de", "en")),
    ("Sabine Müller", "Sabine", ("de", "en")),
    ("Jürgen Bauer", "Jürgen", ("de", "en", "no")),
    ("佐藤 美咲", "美咲", ("ja", "en")),
    ("田中 翔", "翔", ("ja", "en")),
    ("Yuki Nakamura", "Yuki", ("ja", "en")),
    ("Haruto Kobayashi", "Haruto", ("ja", "en")),
    ("Piotr Wiśniewski", "Piotr", ("pl", "en", "no")),
    ("Agnieszka Zielińska", "Agnieszka", ("pl", "en")),
    ("Michał Kowalczyk", "Michał", ("pl", "en")),
    ("أحمد الحسيني", "أحمد", ("en",)),
    ("فاطمة الزهراء", "فاطمة", ("en",)),
    ("يوسف خليل", "يوسف", ("en", "no")),
    ("Omar Haddad", "Omar", ("en",)),
    ("Layla Mansour", "Layla", ("en", "no")),
    ("प्रिया शर्मा", "प्रिया", ("en",)),
    ("Arjun Mehta", "Arjun", ("en",)),
    ("Rohan Iyer", "Rohan", ("en",)),
    ("अनन्या गुप्ता", "अनन्या", ("en",)),
    ("João Pereira", "João", ("pt", "en")),
    ("Beatriz Costa", "Beatriz", ("pt", "en")),
    ("Rafael Almeida", "Rafael", ("pt", "en")),
    ("Camille Dubois", "Camille", ("fr", "en")),
    ("Théo Lefèvre", "Théo", ("fr", "en")),
    ("Chloé Martin", "Chloé", ("fr", "en")),
    ("Julien Moreau", "Julien", ("fr", "en")),
    ("Nguyễn Thị Lan", "Lan", ("en", "no")),
    ("Trần Minh Đức", "Đức", ("en", "no")),
    ("Phạm Quốc Huy", "Huy", ("en",)),
    ("Sarah O'Connell", "Sarah", ("en",)),
    ("Chris Bell", "Chris", ("en",)),
    ("Emma Clarke", "Emma", ("en",)),
    ("Liam Murphy", "Liam", ("en",)),
    ("Hannah Brooks", "Hannah", ("en",)),
    ("Emre Yılmaz", "Emre", ("en", "no")),
    ("Олена Коваленко", "Олена", ("en",)),
    ("Νίκος Παπαδόπουλος", "Νίκος", ("en",)),
    ("王芳", "芳", ("en",)),
    ("김민준", "민준", ("en",)),
    ("Giulia Romano", "Giulia", ("en",)),
    ("Sanne de Vries", "Sanne", ("en",)),
    ("Abdi Warsame", "Abdi", ("en", "no")),
    # Accounts whose only comments were hidden by a moderator.
    ("Rune K.", "Rune", ()),
    ("Gary Pitt", "Gary", ()),
    ("Crypto Freedom Mentor 💰", "Crypto", ()),
]
REGULARS = 7


@dataclass
class Member:
    id: str
    name: str
    given: str
    langs: tuple[str, ...]
    uses: int = 0

    @property
    def ref(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name}


PEOPLE = [Member(f"u{1001 + i}", n, g, langs) for i, (n, g, langs) in enumerate(MEMBERS)]
BY_NAME = {m.name: m for m in PEOPLE}
BY_ID = {m.id: m for m in PEOPLE}


# --------------------------------------------------------------------------------------------
# Conversation scripts. A script is a top-level comment and the replies that *may* follow it,
# in order; whether each reply happens (and when) is decided by the generator, and a thread
# stops at the first reply that does not happen. Who writes a reply:
#   "b" the brand (the Page), "a" the member who started the conversation,
#   "p" another member (a peer), "o" the author of the post (member posts in the group).
# "{name}" is the first member's given name, "{peer}" the peer's, "{owner}" the post author's.


@dataclass
class Step:
    who: str
    text: str
    to: int | None = None  # index of the message replied to; None: the previous one
    fresh: bool = False  # written minutes before the export
    same: bool = False  # for "p": the peer already in the thread
    lang: str | None = None
    end: str | None = None  # if the thread ends here, we may answer with a CLOSERS[end] line


@dataclass
class Script:
    lang: str
    text: str
    steps: tuple[Step, ...] = ()
    by: str = "member"  # or "brand": a top-level comment of ours
    fresh: bool = False
    hidden: bool = False
    sure: bool = False  # every reply happens (when time allows)
    likes: int | None = None
    end: str | None = None  # as Step.end, for a comment nobody replied to
    author: str | None = None  # a fixed author (trolls and spammers)


def C(lang: str, text: str, *steps: Step, **options: object) -> Script:
    return Script(lang, text, steps, **options)  # type: ignore[arg-type]


def B(text: str, **options: object) -> Step:
    return Step("b", text, **options)  # type: ignore[arg-type]


def A(text: str, **options: object) -> Step:
    return Step("a", text, **options)  # type: ignore[arg-type]


def P(text: str, **options: object) -> Step:
    return Step("p", text, **options)  # type: ignore[arg-type]


def O(text: str, **options: object) -> Step:  # noqa: E743
    return Step("o", text, **options)  # type: ignore[arg-type]


@dataclass
class PostSpec:
    id: str
    created: str
    channel: str
    text: str
    scripts: list[Script] = field(default_factory=list)
    author: str | None = None  # a member's name; None: the Page
    status: str = "published"
    scheduled: str | None = None
    pop: int = 0  # roughly how many reactions
    mood: str = "normal"
    shares: int | None = None
    reach: str = "known"  # "known", "null" or "absent"
    until: str | None = None  # no new conversations after this (the event took place)


POSTS: list[PostSpec] = [
    PostSpec(
        "p01",
        "2026-11-11T08:15:00Z",
        PAGE_CHANNEL,
        "🔧 Winter service month is on!\n\n"
        "Bergen roads are about to get salty, wet and dark. Book a winter service before "
        "30 November and we do a full safety check, brake bleed, drivetrain clean and light "
        "check for 990 kr (normally 1 290 kr).\n\n"
        "Studded tyre fitting: 250 kr per wheel, or free with a winter service.\n"
        "Book online or just drop by the shop in Møhlenpris — link in the comments.",
        [
            C(
                "en",
                "Does the 990 kr include parts or just labour?",
                B(
                    "Labour plus the small stuff (cables, cable ends, brake fluid). Chains, pads "
                    "and tyres are extra, and we always call before fitting anything over 200 kr."
                ),
                A("Perfect, booked for Tuesday 👍"),
                B("See you Tuesday, {name}!"),
            ),
            C(
                "no",
                "Gjelder tilbudet også for el-sykler?",
                B(
                    "Ja! Vi sjekker motor og batterikontakter også, men programvareoppdatering "
                    "kommer i tillegg (fra 300 kr)."
                ),
            ),
            C(
                "no",
                "Hvor lang ventetid er det på verkstedet nå?",
                B(
                    "Akkurat nå ca. 4–5 dager. Leverer du før kl. 10 på en mandag, er den ofte "
                    "klar til fredag 🙂"
                ),
                A("Supert, da kommer jeg mandag morgen.", end="see"),
            ),
            C(
                "en",
                "Is it possible to wait while you fit studded tyres? I only have one bike and "
                "need it for work.",
                B(
                    "Yes! Studded tyre fitting takes about 30 minutes if you book a slot. "
                    "Mornings are quietest."
                ),
                A("Great. Do I need to bring the tyres or do you have 700x35 in stock?"),
                B(
                    "We have Schwalbe Marathon Winter Plus in 700x35 right now (1 049 kr each). "
                    "Want us to put a pair aside for you?"
                ),
                A("Yes please, under my name. Thank you!"),
                sure=True,
            ),
            C(
                "en",
                "The booking link doesn't work for me on mobile 🤔",
                B(
                    "Sorry about that! Try https://example.invalid/kestrel/booking while we fix "
                    "the button."
                ),
            ),
            C(
                "de",
                "Macht ihr auch Service für Rennräder mit Di2?",
                B(
                    "Yes, we do! Di2 diagnostics and firmware updates are included in the "
                    "service price."
                ),
                A("Super, danke! Dann buche ich gleich.", end="thanks"),
            ),
            C(
                "no",
                "Leverte sykkelen i går, og den går som ny! Takk, Ane 🙏",
                B("Så hyggelig å høre! Vi hilser fra Ane 😊"),
                likes=4,
            ),
            C(
                "en",
                "Any chance of a discount for students?",
                B(
                    "We do 10% off parts with a valid student card, but the winter service is "
                    "already discounted, sorry!"
                ),
                A("Fair enough, thanks for the honest answer.", end="thanks"),
            ),
        ],
        pop=142,
        shares=11,
    ),
    PostSpec(
        "p02",
        "2026-11-11T17:40:00Z",
        GROUP_CHANNEL,
        "🌧️🚴 Thursday Night Ride, tomorrow 12 Nov\n\n"
        "Meet 18:30 outside the shop, rolling 18:45. About 30 km, mostly flat: Nordnes → "
        "Laksevåg → Fyllingsdalen and back. No-drop, chatty pace (22–25 km/h).\n\n"
        "Front AND rear lights are mandatory. Mudguards strongly appreciated by whoever rides "
        "behind you 😅",
        [
            C(
                "en",
                "What happens if it's pouring? Still on?",
                B(
                    "It's Bergen, it's always pouring 😄 We only cancel for ice or a wind "
                    "warning, and we'll post here by 16:00 if so."
                ),
                A("Haha fair. See you there!", end="see"),
            ),
            C(
                "no",
                "Passer det for en som nettopp har begynt å sykle igjen? Er litt redd for å "
                "henge etter.",
                B(
                    "Absolutt! Det er no-drop, så ingen blir igjen. Vi har alltid en sweeper "
                    "bakerst 👍"
                ),
                P("Jeg var ny for to uker siden, og det var helt topp. Bare bli med!", to=0),
                A("Takk begge to, da kommer jeg 😊", end="see"),
            ),
            C(
                "en",
                "Is there a shorter option? 30 km is a lot for me on a weeknight.",
                P(
                    "Last time a few of us turned back at Laksevåg, about 15 km. Happy to ride "
                    "back with you!"
                ),
                B("Thanks, {peer}! And you can always turn back early, just tell the sweeper 👍"),
                A("Great, thank you both!", end="thanks"),
            ),
            C(
                "es",
                "¿Se puede ir con bici eléctrica? 😅",
                B("¡Claro que sí! E-bikes are welcome, just stay with the group pace 🙂"),
            ),
            C(
                "en",
                "Can I rent lights from you if mine are dead? 🙈",
                B(
                    "We don't rent them, but we have a basic USB set for 299 kr, and you can "
                    "charge it in the shop before the ride."
                ),
            ),
            C("no", "Jeg kommer! Tar med kaffe på termos ☕", end="see"),
        ],
        pop=48,
        reach="null",
        until="2026-11-12T17:00:00Z",
    ),
    PostSpec(
        "p03",
        "2026-11-12T07:30:00Z",
        PAGE_CHANNEL,
        "🛠️ Workshop tip: squealing disc brakes?\n\n"
        "1. Clean the rotors with isopropyl alcohol (never WD-40 or chain lube!)\n"
        "2. Check the pads: if they look glazed, sand them lightly on fine sandpaper\n"
        "3. Bed them in again: 10 firm stops from about 20 km/h\n\n"
        "Still squealing? Contaminated pads need replacing. Bring it in and we'll have a look "
        "for free.",
        [
            C(
                "en",
                "What if I already sprayed WD-40 on them... asking for a friend 😬",
                B(
                    "Tell your friend: new pads and a thorough rotor clean 😄 Pads soaked in oil "
                    "rarely recover."
                ),
                P("Been there. Cost me 400 kr and my dignity.", end="fun"),
                likes=9,
            ),
            C(
                "no",
                "Gjelder dette også hydrauliske bremser?",
                B(
                    "Ja, både mekaniske og hydrauliske. Men hydrauliske bremser som føles myke, "
                    "trenger lufting, og det er en annen sak!"
                ),
                A("Takk! Mine er myke også, så jeg booker lufting.", end="see"),
            ),
            C(
                "en",
                "Mine only squeal in the rain. Is that normal?",
                P("Pretty normal in Bergen weather, mine too. Sintered pads helped for me.", to=0),
                B(
                    "Agree with {peer}: sintered (metal) pads are quieter in the wet and last "
                    "longer too."
                ),
            ),
            C(
                "en",
                "Could you do a video on bleeding Shimano brakes?",
                B("Good idea! It's on the list for December 📹"),
            ),
            C("fr", "Merci pour l'astuce ! Ça a marché pour moi 👌", B("Super, merci {name} !")),
            C(
                "en",
                "Great tip. Also worth checking the rotor bolts are tight. Mine were loose and "
                "made a horrible noise.",
                B("Good point, thanks for adding that!"),
            ),
        ],
        pop=96,
        mood="funny",
        shares=23,
    ),
    PostSpec(
        "p04",
        "2026-11-13T12:00:00Z",
        PAGE_CHANNEL,
        "👋 Say hi to Ane!\n\n"
        "Ane joins our workshop after six years at a pro team service course in Girona. She's "
        "our new go-to for wheel builds, suspension service and anything Shimano Di2 or SRAM "
        "AXS.\n\n"
        "Outside work: gravel, sourdough and an alarming number of tools. Velkommen, Ane! 🎉",
        [
            C("no", "Velkommen til Bergen, Ane! 🎉", likes=6, end="praise"),
            C(
                "en",
                "Does this mean you do suspension service in-house now? I've been sending my "
                "fork to Oslo.",
                B(
                    "Yes! Fork and shock lower-leg service in-house from December, full damper "
                    "service from January."
                ),
                A("Brilliant, that saves me two weeks every time.", end="praise"),
            ),
            C(
                "es",
                "¡Bienvenida, Ane! Girona es mi casa 😍",
                B("¡Gracias, {name}! Ane says hola 👋"),
            ),
            C(
                "en",
                "Wheel builds, finally! How long does a custom build usually take?",
                B(
                    "Usually 7–10 days, depending on parts. Drop Ane a message at the shop and "
                    "she'll spec it with you."
                ),
            ),
            C(
                "no",
                "Hun fikset girene mine på ti minutter i går. Gull verdt!",
                B("Vi er helt enige 😄 Takk for at du sier ifra!"),
            ),
            C(
                "de",
                "Willkommen! Von Girona nach Bergen, das ist ein Wetterschock 😂",
                P("Haha, she'll get used to it. Eventually. Maybe.", lang="en", end="fun"),
            ),
            C("en", "Sourdough AND wheel builds. Legendary hire.", end="fun"),
        ],
        pop=210,
        mood="love",
        shares=4,
    ),
    PostSpec(
        "p05",
        "2026-11-13T16:00:00Z",
        GROUP_CHANNEL,
        "☕ Sunday Social Ride, 15 Nov at 10:00\n\n"
        "Easy 20 km loop: Nordnes → Bryggen → Sandviken, with a proper café stop at the end. "
        "Any bike welcome. Kids on their own bikes are welcome too if they can manage "
        "15 km/h.\n\n"
        "We wait at every junction. Nobody gets dropped, ever.",
        [
            C(
                "en",
                "Which café? Asking for the important reasons.",
                B("The little bakery right by the harbour in Sandviken 🥐 Best cinnamon buns."),
            ),
            C(
                "no",
                "Kan jeg ta med 9-åringen på egen sykkel?",
                B("Ja, så klart! 20 km går fint i det tempoet, og vi tar pauser."),
                A("Topp, hun gleder seg allerede!", end="see"),
            ),
            C(
                "en",
                "Is there parking near the shop? Coming in from Os with the bikes on the car.",
                B(
                    "Street parking is tricky on Sundays. The public car park by the university "
                    "is 5 minutes away by bike."
                ),
            ),
            C(
                "ja",
                "初めて参加します！よろしくお願いします🚲",
                B("Welcome! ようこそ 😊 See you Sunday!"),
            ),
            C(
                "en",
                "Will the ride go ahead if it's snowing?",
                B(
                    "If it's icy we cancel and post here by 08:00. Light snow means still on, "
                    "just slower 🙂"
                ),
            ),
        ],
        pop=37,
        reach="null",
        until="2026-11-15T08:30:00Z",
    ),
    PostSpec(
        "p06",
        "2026-11-14T15:00:00Z",
        PAGE_CHANNEL,
        "🚀 It's here: the Kestrel Commuter 1\n\n"
        "Two years of riding through Bergen winters went into this one. Steel frame, hub "
        "dynamo lights, full mudguards, 2x10 gearing for the hills and clearance for 45 mm "
        "studded tyres.\n\n"
        "14 990 kr, sizes S–XL. The first 20 bikes come with a free pair of studded tyres.\n"
        "Test rides in the shop from today.",
        [
            C(
                "en",
                "Weight? Steel sounds heavy for Bergen hills 😅",
                B(
                    "13.4 kg in size M with mudguards and lights. The gearing goes down to 30x36, "
                    "so the climbs are fine, promise!"
                ),
                A("OK, that's better than I expected. Coming in for a test ride.", end="see"),
            ),
            C(
                "no",
                "Hvilken størrelse trenger jeg? Er 178 cm med lange bein.",
                B(
                    "Du er mest sannsynlig M, men med lange bein kan L passe. Kom innom for en "
                    "prøvetur, så finner vi ut av det 🙂"
                ),
                A("Har dere L inne nå?"),
                B("Ja, én L og to M i butikken akkurat nå."),
            ),
            C(
                "en",
                "Is there a step-through version?",
                B("Not yet. A step-through is planned for spring 2027. Want us to tell you?"),
                A("Yes please!"),
                B("Noted! We'll let you know as soon as it's out 📝"),
            ),
            C(
                "en",
                "Can I order online and have it shipped to Trondheim?",
                B(
                    "Yes, we ship across Norway (499 kr). It arrives 95% assembled, with pedals "
                    "and tools in the box."
                ),
            ),
            C(
                "de",
                "Gibt es das Rad auch mit Riemenantrieb?",
                B(
                    "Not this model, sorry! A belt version with a Rohloff hub is on the wishlist "
                    "for the next batch 🙂"
                ),
            ),
            C(
                "en",
                "That colour 😍 Is it the green one or the grey one in the photos?",
                B("Fjord green and Storm grey. The green is a lot more popular so far 😄"),
                likes=7,
            ),
            C(
                "pt",
                "Que bonita! Vocês enviam para Portugal?",
                B("Obrigado! Unfortunately we only ship within Norway for now 🙁"),
            ),
            C(
                "en",
                "14 990 for a steel commuter? You can get a whole e-bike for that at the big "
                "sports chains.",
                P(
                    "Not the same thing at all. Hub dynamo, proper mudguards and local service. "
                    "Worth every krone IMO."
                ),
                A("Maybe, but the e-bike gets you up Fløyen 🤷"),
            ),
            C(
                "no",
                "Bestilt! Gleder meg som en unge 🥳",
                B("Gratulerer! Vi sier ifra så snart den er klar til henting."),
            ),
            C(
                "fr",
                "Est-ce que le porte-bagages est inclus ?",
                B("Oui ! Rear rack and kickstand are included. A front rack is 590 kr extra."),
            ),
        ],
        pop=388,
        mood="hype",
        shares=41,
    ),
    PostSpec(
        "p07",
        "2026-11-15T19:10:00Z",
        GROUP_CHANNEL,
        "What a lovely ride today! 14 of us, only one puncture (sorry, that was me 🙈) and the "
        "best cinnamon buns in Bergen. Thanks to the Kestrel crew for organising, and to Jonas "
        "for the tyre lever rescue. Photos below 👇",
        [
            C(
                "en",
                "Great photos! Which camera?",
                O("Just my phone. The light did all the work 😄"),
            ),
            C("no", "Så gøy! Blir med neste gang 🙌", O("Du må! 😊")),
            C(
                "en",
                "Thanks for coming, everyone! Next social ride is Sunday 29 Nov 🚲",
                P("Already in my calendar!", end="see"),
                by="brand",
            ),
            C(
                "en",
                "The buns were legendary. Where was that bakery again?",
                O("The little one right by the harbour in Sandviken!"),
                B("Can confirm: best buns in town 🥐"),
            ),
            C("es", "¡Qué envidia! En Madrid hace sol, pero no tenemos esas vistas 😍"),
        ],
        author="Ingrid Solheim",
        pop=61,
        mood="love",
        reach="null",
    ),
    PostSpec(
        "p08",
        "2026-11-16T18:30:00Z",
        PAGE_CHANNEL,
        "❓ Question for the commuters: what's your winter setup?\n\n"
        "Studs or no studs? Mudguards? Rain trousers, or just accept being wet? 😄\n\n"
        "Tell us below. The best answer wins a free winter service!",
        [
            C(
                "no",
                "Piggdekk fra november til mars. Har gått på trynet én gang for mye i Kalfaret 😅",
                P("Samme her. Kalfaret er en skøytebane fra desember.", end="fun"),
                likes=5,
            ),
            C(
                "en",
                "Studs, full mudguards and a proper rain cape. The cape changed my life.",
                P("A cape? Doesn't it catch the wind like a sail?"),
                A("A bit on the bridge, but with the hand loops it's fine. Way less sweaty."),
                P("OK, you've convinced me. Ordering one.", same=True),
                likes=8,
            ),
            C("en", "No studs. I just take the Bybanen when it's icy 🙃", end="fun"),
            C(
                "de",
                "Spikes vorne, normaler Reifen hinten. Spart Geld und funktioniert super.",
                B("Interesting! The front stud matters most for steering, so that makes sense 👍"),
                P("I tried that and the rear slid out on every hill start 😬", lang="en"),
            ),
            C(
                "ja",
                "スパイクタイヤとレインパンツ。防水グローブも必須です！",
                B("Good call on the gloves! 🧤"),
            ),
            C(
                "en",
                "E-bike with studs, heated grips and a thermos in the bottle cage. Zero regrets.",
                B("Heated grips! Now that's luxury 😄"),
            ),
            C("no", "Skjermer på alt. Ingen vil ha en brun stripe opp ryggen.", end="fun"),
            C(
                "en",
                "Honestly, the best winter upgrade for me was dynamo lights. Never charge "
                "anything again.",
                B("Agree 100%. Hub dynamos are the unsung heroes of Bergen winters."),
            ),
            C("es", "Yo llevo guantes de esquí y cubrezapatillas. Lo demás da igual 😂", end="fun"),
            C(
                "en",
                "Cyclists should pay road tax and stay off the road 🙄",
                hidden=True,
                author="Gary Pitt",
            ),
            C(
                "en",
                "When will you announce the winner?",
                B("Next Monday! We're reading every single answer 📖"),
            ),
        ],
        pop=74,
        shares=6,
    ),
    PostSpec(
        "p09",
        "2026-11-17T08:00:00Z",
        PAGE_CHANNEL,
        "📦 About online orders: we're sorry\n\n"
        "After last week's storm our courier partner has a big backlog in Western Norway. "
        "Orders placed between 10 and 16 November are delayed by 3–5 working days.\n\n"
        "Everything is packed and waiting at the terminal; it's just not moving as fast as we'd "
        "like. If your order is urgent, reply here or send us a message with your order number "
        "and we'll see what we can do (including pickup in the shop).\n\n"
        "Sorry, and thank you for your patience.\n— Kristin & the Kestrel team",
        [
            C(
                "en",
                "Order #10482 placed on the 12th, still says 'label created'. Is it lost?",
                B(
                    "Hi {name}, it's not lost! It's at the Bergen terminal; tracking only "
                    "updates once it's scanned out. It should be with you by Friday."
                ),
                A("Two days later and still nothing. Can I just pick it up in the shop?"),
                B(
                    "So sorry. Yes, we've pulled it back and it's ready at the counter under "
                    "your name. /Kristin"
                ),
                A("Thank you, I'll pick it up after work."),
                sure=True,
                likes=3,
            ),
            C(
                "no",
                "Trenger bremseklossene før helgen, ordre 10511. Kan jeg hente i butikken i "
                "stedet?",
                B(
                    "Hei {name}! Klart det. Vi har lagt klossene til side på navnet ditt, og du "
                    "får refundert frakten."
                ),
                A("Tusen takk, dere er best 🙏", end="thanks"),
            ),
            C(
                "en",
                "Third time this year my order has been late. Maybe switch couriers?",
                B(
                    "That's fair feedback, and we're looking at a second courier for 2027. I'm "
                    "sorry it's become a pattern for you."
                ),
                A("Appreciate the honest answer. Still annoying though."),
                likes=12,
            ),
            C(
                "en",
                "Honestly, thanks for being upfront about it. Most shops just go silent.",
                B("Thank you, that means a lot 💛"),
                likes=15,
            ),
            C(
                "de",
                "Ich habe am 14. bestellt (Nr. 10533) und wohne in Stavanger. Kommt das noch "
                "diese Woche?",
                B(
                    "Hi {name}! Stavanger goes through a different terminal, so it should arrive "
                    "on Thursday or Friday."
                ),
            ),
            C(
                "no",
                "Jeg har ikke fått noen e-post om forsinkelsen. Blir det sendt ut?",
                B(
                    "Vi sendte e-post til alle berørte på søndag, så sjekk gjerne søppelposten. "
                    "Send oss ordrenummeret, så sjekker vi!"
                ),
                A("Fant den i søppelposten ja 🙈 Beklager!", end="thanks"),
            ),
            C(
                "en",
                "This is ridiculous. I paid 149 kr for express shipping and it's been a week.",
                B(
                    "You're completely right, express should mean express. We've refunded your "
                    "shipping; you'll see it within 3–5 days."
                ),
                A("Thanks. I still need the parts though. When will they actually arrive??"),
                sure=True,
                likes=6,
            ),
            C(
                "es",
                "¿Y los pedidos internacionales? Hice el pedido desde Suecia.",
                B("¡Hola, {name}! International orders go out from Oslo and aren't delayed 👍"),
            ),
            C(
                "en",
                "Still nothing for order #10497 and it's now the 25th. Nobody answers the phone. "
                "What's going on?",
                fresh=True,
                likes=2,
            ),
            C(
                "en",
                "You lot are a joke. Never ordering again, absolute clowns 🤡🤡",
                hidden=True,
                author="Rune K.",
            ),
            C("no", "Fikk pakken min i dag! Alt var med 👍", B("Så bra, takk for at du sa ifra!")),
            C(
                "en",
                "Will Black Friday orders also be delayed?",
                B(
                    "We've booked extra pickups for Black Friday week, so we don't expect delays. "
                    "Fingers crossed 🤞"
                ),
            ),
            C(
                "fr",
                "Ma commande n° 10526 est bloquée depuis 8 jours. Je peux annuler ?",
                B(
                    "Bonjour {name}, of course. We've emailed you a cancellation link. Sorry for "
                    "the wait."
                ),
                A("Merci. J'ai reçu le lien, mais il ne marche pas 😕"),
                sure=True,
            ),
        ],
        pop=205,
        mood="sad",
        shares=3,
    ),
    PostSpec(
        "p10",
        "2026-11-17T14:10:00Z",
        GROUP_CHANNEL,
        "Lost: one black Giro winter glove (left hand), somewhere between the shop and Bryggen "
        "on Sunday. If anyone spotted it, I'd love it back. My right hand is very lonely 🧤",
        [
            C(
                "en",
                "We'll check the lost & found box first thing tomorrow, {owner}!",
                O("Thank you!"),
                B("Found it! It was under the bench outside 🙌 It's behind the counter."),
                O("Legends. Coming by on Thursday."),
                by="brand",
                sure=True,
            ),
            C(
                "no",
                "Så en hanske på et gjerde ved Torget i går, kanskje det var den?",
                O("Åh, takk! Skal sjekke i dag.", lang="no"),
            ),
            C("en", "Hope you find it! I lose one glove every winter, it's a tradition."),
        ],
        author="Emma Clarke",
        pop=19,
        mood="funny",
        reach="null",
    ),
    PostSpec(
        "p11",
        "2026-11-18T07:45:00Z",
        PAGE_CHANNEL,
        "🛠️ Workshop tip: top up your tubeless sealant before winter\n\n"
        "Sealant dries out after 3–6 months. Shake the wheel: no sloshing? Time for a top-up "
        "(30–60 ml for road and gravel, 60–90 ml for MTB).\n\n"
        "Cold weather makes sealant slower to seal, so fresh sealant matters more now than in "
        "summer. Quick top-up in the shop: 150 kr including sealant.",
        [
            C(
                "en",
                "Does sealant freeze? We had -12 last January.",
                B(
                    "Most sealants are fine down to about -15 °C but get slow. The 'endurance' "
                    "and 'race' types cope best with cold."
                ),
                A("Good to know, thanks!", end="thanks"),
            ),
            C(
                "no",
                "Går det an å kjøre tubeless med piggdekk?",
                B(
                    "Noen piggdekk er tubeless-ready, men de fleste vanlige må ha slange. Spør "
                    "oss gjerne om modellen din!"
                ),
            ),
            C(
                "en",
                "Pro tip: write the date on the rim tape with a marker when you top up.",
                B("Love this 👌"),
                P("Stealing this idea, thanks!", to=0),
                likes=11,
            ),
            C("ja", "シーラントの量、勉強になりました。ありがとうございます！", end="praise"),
        ],
        pop=58,
        shares=9,
    ),
    PostSpec(
        "p12",
        "2026-11-18T17:00:00Z",
        PAGE_CHANNEL,
        "📅 Free winter maintenance workshop: Thursday 26 November, 18:00–20:00\n\n"
        "Learn to fix a puncture in the dark (with cold fingers), clean and lube your chain "
        "properly, adjust your brakes and fit studded tyres.\n\n"
        "Free, but only 20 spots. Sign up in the comments or at the counter. Coffee and "
        "skillingsboller on us ☕",
        [
            C("no", "Meld meg på! 🙋‍♀️", B("Du står på lista, {name}! ✅")),
            C(
                "en",
                "Can I bring my own bike to practise on?",
                B("Yes, please do! We'll have stands for everyone."),
                A("Perfect. It's a folding Brompton, is that OK?"),
                B("Bromptons are very welcome. Ane loves them (she claims) 😄"),
            ),
            C("en", "Sign me and my partner up please! Two spots.", B("Done, two spots ✅")),
            C(
                "es",
                "¿El taller es en inglés o en noruego?",
                B(
                    "Mostly Norwegian, but Ane and Kristin switch to English for anyone who "
                    "needs it 🙂"
                ),
                A("¡Perfecto! Then sign me up please 🙏"),
                B("You're on the list ✅"),
            ),
            C(
                "no",
                "Blir det flere datoer? Kan ikke torsdag 😞",
                B("Vi planlegger en ny runde i januar. Følg med her!"),
            ),
            C("en", "Are there still spots left?", fresh=True),
            C(
                "de",
                "Ich komme! Kann ich mein Kind (12) mitbringen?",
                B("Yes, 12-year-olds are very welcome with an adult!"),
                A("Super, danke!", end="thanks"),
            ),
            C(
                "en",
                "Will you record it? I'm in Tromsø 😅",
                B("We'll film the puncture part and post it here afterwards 📹"),
                A("Amazing, thank you!", end="thanks"),
            ),
        ],
        pop=121,
        shares=17,
    ),
    PostSpec(
        "p13",
        "2026-11-19T11:30:00Z",
        PAGE_CHANNEL,
        "🖤 Black Friday sneak peek\n\n"
        "• 20% off all winter tyres and studs\n"
        "• 30% off 2025 bikes (while stock lasts)\n"
        "• 15% off lights, mudguards and rain gear\n"
        "• Winter service 790 kr (Thursday to Sunday only)\n\n"
        "Starts Thursday 26 Nov at 20:00 online, Friday 08:00 in the shop. Members of Kestrel "
        "Riders get early access, so check the group on Thursday 😉",
        [
            C(
                "en",
                "Does the 30% include e-bikes?",
                B(
                    "Yes, all 2025 models including e-bikes. Stock is limited though, and the "
                    "e-bikes will go fast."
                ),
                A("Any of the hybrid e-bikes left in L?"),
                B("One in L and one in XL. We can't reserve before Friday, sorry!"),
                A("Fair, I'll be at the door at 08:00 😅", end="see"),
                likes=5,
            ),
            C(
                "no",
                "Er Kestrel Commuter 1 med på salget?",
                B(
                    "Nei, den er helt ny, så den er ikke med. Men de 20 første får fortsatt "
                    "gratis piggdekk!"
                ),
                A("Skjønner. Hvor mange er igjen av de 20?"),
                sure=True,
            ),
            C(
                "en",
                "How do I get early access? I'm not in the group.",
                B("Just join Kestrel Riders. We approve new members every morning."),
                A("Requested to join yesterday, still pending 🙃"),
                sure=True,
            ),
            C(
                "en",
                "💸💸 I made 45 000 kr last week working from home with crypto trading!! DM me to "
                "learn how 👉 wa.example.invalid/000000",
                hidden=True,
                author="Crypto Freedom Mentor 💰",
            ),
            C(
                "en",
                "Will the 20% stack with my student discount?",
                B("Sorry, discounts don't stack, but you get whichever is bigger."),
            ),
            C(
                "pl",
                "Czy będzie też zniżka na kaski?",
                B("Hi {name}! Helmets are 15% off along with the other gear 🙂"),
                A("Dziękuję! 🙏", end="thanks"),
            ),
            C("no", "Endelig! Har ventet på piggdekksalg 🙌", likes=3, end="see"),
            C(
                "en",
                "Is the winter service offer bookable online or walk-in only?",
                B("Bookable online from Thursday at 20:00, together with the rest of the sale."),
            ),
            C(
                "ja",
                "オンラインでも同じ割引ですか？",
                B("Yes, same discounts online and in the shop! 同じです 🙂"),
            ),
            C(
                "en",
                "Please tell me you'll have more than 3 pairs of 29x2.6 studs this time 😂",
                B("We ordered 40 pairs. We learned our lesson 😅"),
                P("Good, because I'm buying two of them.", end="fun"),
                likes=14,
            ),
        ],
        pop=312,
        mood="hype",
        shares=58,
    ),
    PostSpec(
        "p14",
        "2026-11-19T21:15:00Z",
        GROUP_CHANNEL,
        "🌧️ 23 riders, 31 km and about 400 litres of rain. Thanks to everyone who came out "
        "tonight! The soup was well earned.\n\nPhotos by Jonas 📸 Tag yourselves!",
        [
            C(
                "no",
                "Beste torsdagen på lenge, tross været! 💪",
                B("Helt enig! Takk for at du kom 😊"),
            ),
            C(
                "en",
                "That's me in the yellow jacket looking like a drowned rat 😂",
                P("Drowned rat gang 🐀 I'm the one right behind you", end="fun"),
                likes=7,
            ),
            C(
                "en",
                "Was the soup vegan? Asking for next time.",
                B("This time yes (lentil). We'll always have a vegan option 🌱"),
            ),
            C(
                "en",
                "First time riding with you all, and everyone was so welcoming. Thank you!",
                B("So glad you joined, {name}! See you next Thursday 🚲"),
                A("Definitely! Do I need to sign up, or just show up?"),
                sure=True,
            ),
            C(
                "es",
                "¿Alguien encontró una luz trasera roja? Se me cayó en Laksevåg 😢",
                P("I think Jonas picked one up at the last stop! Ask at the shop.", lang="en"),
                A("¡Muchas gracias!"),
            ),
        ],
        pop=83,
        mood="love",
        reach="null",
    ),
    PostSpec(
        "p15",
        "2026-11-20T08:30:00Z",
        PAGE_CHANNEL,
        "🎄 December opening hours\n\n"
        "Mon–Wed 10–18\nThu 10–20 (late-night shopping!)\nFri 10–18\nSat 10–16\nSun closed\n\n"
        "Gift cards are now available online from 200 kr, delivered by email. Perfect for the "
        "cyclist who already has everything.",
        [
            C(
                "no",
                "Har dere åpent i romjulen?",
                B("Ja, 28.–30. desember kl. 11–16. Stengt 24.–26. og 31.–1."),
            ),
            C(
                "en",
                "Can gift cards be used for workshop services too?",
                B("Yes, for anything: bikes, parts, service, even the coffee 😄"),
            ),
            C(
                "en",
                "Any chance of Sunday opening before Christmas?",
                B("We'll be open on Sunday 20 December, 12–16!"),
            ),
            C(
                "no",
                "Gavekortet kom aldri på e-post 🤔 Bestilte i går kveld.",
                B("Hei {name}! Vi har sendt det på nytt nå. Sjekk gjerne søppelposten også."),
                A("Fortsatt ingenting her..."),
                sure=True,
            ),
            C(
                "fr",
                "Est-ce que les cartes cadeaux ont une date d'expiration ?",
                B("Bonjour ! They're valid for 3 years 🙂"),
            ),
        ],
        pop=64,
        shares=5,
        reach="absent",
    ),
    PostSpec(
        "p16",
        "2026-11-20T13:00:00Z",
        GROUP_CHANNEL,
        "Which lights for commuting Fana → sentrum? It's 14 km and half of it is unlit along "
        "the fjord. Budget about 1000 kr. Go!",
        [
            C(
                "en",
                "Get something with at least 800 lumens and a proper beam cut-off so you don't "
                "blind people.",
                O("Any specific models?"),
                P("Anything with a German StVZO-approved beam. Worth every krone."),
                B(
                    "Agree! Come and compare a few in the shop, {owner}. We'll turn the lights "
                    "off 😄"
                ),
            ),
            C(
                "en",
                "Happy to help! For 1000 kr we'd go for a 1000-lumen front with a cut-off beam "
                "plus a bright rear. Come and try them in the dark corner of the shop 😄",
                O("Haha, the dark corner, love it. I'll drop by tomorrow!"),
                by="brand",
                sure=True,
            ),
            C(
                "no",
                "Dynamo! Aldri mer lading. Koster litt mer, men verdt det.",
                O("Hmm, how much more, roughly?", lang="en"),
                B("A hub dynamo wheel and light from about 2 500 kr, fitted.", lang="en"),
            ),
            C("en", "And a helmet light for the corners. Honestly a game changer."),
            C(
                "en",
                "Don't forget side visibility. The roundabouts at Nesttun are scary.",
                O("Good point, hadn't thought about that."),
            ),
            C(
                "de",
                "Ich fahre dieselbe Strecke! Ich habe eine 1100-Lumen-Lampe, super Akku.",
                O("Danke! Does it last the whole week?", lang="en"),
                A("Two commutes a day, I charge it on Wednesday and Sunday 👍", lang="en"),
            ),
        ],
        author="Tom Whitaker",
        pop=22,
        reach="null",
    ),
    PostSpec(
        "p17",
        "2026-11-21T09:00:00Z",
        PAGE_CHANNEL,
        "🎥 NEW VIDEO: fitting studded tyres at home in 10 minutes\n\n"
        "Ane shows how to get stiff winter tyres on without breaking a tyre lever (or a nail), "
        "which way the studs should point, and why you should ride the first 50 km gently.\n\n"
        "Watch here: https://example.invalid/kestrel/video/studs",
        [
            C(
                "en",
                "Why ride gently for the first 50 km?",
                B(
                    "The studs need to settle into the rubber. Hard braking or skids early on can "
                    "rip them out!"
                ),
                A("Oops. Did 30 km of hill sprints on day one 🙈"),
                B("Haha, check them over. If none are missing, you got away with it 😄"),
            ),
            C(
                "no",
                "Fantastisk video! Endelig noen som forklarer det rolig og tydelig.",
                B("Takk! Vi sier ifra til Ane 😊"),
                likes=6,
            ),
            C(
                "en",
                "What tyre pressure for studs?",
                B(
                    "Lower than in summer: about 2.5–3.5 bar for 35–45 mm. Lower on pure ice, "
                    "higher on bare tarmac."
                ),
            ),
            C(
                "ja",
                "日本語の字幕はありますか？",
                B("Not yet, sorry! English and Norwegian subtitles only for now 🙏"),
            ),
            C(
                "en",
                "The tyre lever trick at 4:12 is genius. Saved my thumbs.",
                likes=4,
                end="praise",
            ),
            C(
                "pt",
                "Muito bom! Vocês têm pneus com cravos para bicicleta infantil?",
                B('Obrigado! Yes, 20" and 24" studded tyres are in stock 🙂'),
                A("Perfeito, passo aí amanhã!", end="see"),
            ),
        ],
        pop=133,
        shares=36,
    ),
    PostSpec(
        "p18",
        "2026-11-21T15:30:00Z",
        PAGE_CHANNEL,
        "🧒🚲 Kids grow. Bikes don't.\n\n"
        "Bring in your child's outgrown bike and get 30% of what you paid as credit toward the "
        "next size up. Every bike we take in gets a full service and goes to a Bergen family "
        "through a local charity bike project.",
        [
            C(
                "no",
                "Gjelder det sykler som ikke er kjøpt hos dere?",
                B("Ja, alle merker! Da blir kreditten 20 % av veiledende pris."),
                A("Flott, kommer med to sykler på lørdag.", end="see"),
            ),
            C("en", "What a lovely idea ❤️", B("Thank you! 💛"), likes=5),
            C(
                "en",
                "Does the bike need to be in working condition?",
                B("Not at all, we fix them up. As long as the frame isn't cracked, we'll take it."),
            ),
            C("es", "¿También bicis de equilibrio?", B("¡Sí! Balance bikes too 🙂")),
            C(
                "no",
                "Kan man donere uten å kjøpe ny?",
                B("Ja, så absolutt! Bare lever den i butikken 💛"),
                A("Så fint, da kommer jeg innom med den gamle sykkelen til jenta.", end="see"),
            ),
        ],
        pop=176,
        mood="love",
        shares=29,
    ),
    PostSpec(
        "p19",
        "2026-11-22T10:15:00Z",
        GROUP_CHANNEL,
        "Picked up my Commuter 1 on Friday 😍 First commute this morning in sideways rain and I "
        "arrived... actually dry? The mudguards are no joke. Thanks, Ane, for the fit!",
        [
            C(
                "en",
                "Looks fantastic, {owner}! Enjoy the dry feet 😄",
                O("Already planning a weekend trip to Voss with it!"),
                B("Voss in winter on a Commuter 1, love it. Send us photos! 📸"),
                by="brand",
            ),
            C(
                "en",
                "How's the dynamo light? Bright enough for unlit roads?",
                O("Plenty! I rode home along the fjord with no streetlights and it was great."),
            ),
            C(
                "no",
                "Sinnsykt fin farge. Er den grønn?",
                O("Fjord green! 💚", lang="no"),
                P("Nå ble jeg fristet, altså...", lang="no"),
                B("Vi har én grønn i M på lager 😉"),
            ),
            C(
                "en",
                "Is it heavy to carry up stairs? I live on the 3rd floor 😬",
                O("A bit, but fine. Lighter than my old hybrid."),
                B("13.4 kg in size M, if that helps!"),
            ),
            C("de", "Glückwunsch! Sieht super aus 👍"),
        ],
        author="Nora Kvamme",
        pop=54,
        mood="love",
        reach="null",
    ),
    PostSpec(
        "p20",
        "2026-11-23T07:50:00Z",
        PAGE_CHANNEL,
        "🔧 Workshop update: we're fully booked until Monday 30 Nov.\n\n"
        "Still need help?\n"
        "• Punctures and quick fixes (under 15 min): walk in before 11:00 and we'll squeeze "
        "you in\n"
        "• Studded tyre fitting: drop-in slots Wednesday and Friday 10–12\n"
        "• Everything else: book online. New slots open every morning at 07:00",
        [
            C(
                "en",
                "My brake cable snapped this morning. Is that a quick fix?",
                B("Yes, usually 10 minutes. Come by before 11 and we'll sort it."),
                A("On my way!", end="see"),
            ),
            C(
                "no",
                "Leverte sykkelen til service 12. nov. og har ikke hørt noe. Ordre S-2231.",
                B(
                    "Hei {name}, beklager! Den venter på en ny kassett som kom i går. Klar på "
                    "onsdag."
                ),
                A("Det er onsdag i dag. Noe nytt? 🙂", fresh=True),
                sure=True,
            ),
            C(
                "en",
                "Could you open more online slots? They're gone by 07:05 every day 😩",
                B("We hear you. We're adding Saturday workshop hours in December."),
                A("That would help a lot, thanks.", end="thanks"),
                likes=8,
            ),
            C(
                "es",
                "¿Puedo llevarla hoy para ajustar los cambios? Son solo 5 minutos.",
                B("Si llegas antes de las 11, ¡sí! 🙂"),
            ),
            C(
                "en",
                "Walked in at 10:30 with a puncture, out by 10:45. Best shop in Bergen 👏",
                B("Thanks, {name}! Ride safe 🙌"),
                likes=9,
            ),
            C(
                "no",
                "Når åpner dere for booking i januar?",
                B("Januar-timene åpner 1. desember kl. 07:00 🙂"),
            ),
            C(
                "no",
                "Kan dere ringe meg på 912 34 567? Sykkelen står i oppgangen i Kalfarveien, "
                "koden er 2580.",
                hidden=True,
            ),
        ],
        pop=71,
        shares=8,
    ),
    PostSpec(
        "p21",
        "2026-11-23T16:20:00Z",
        GROUP_CHANNEL,
        "🌙 Night Ride moves to WEDNESDAY this week (25 Nov) because of the workshop on "
        "Thursday.\n\n"
        "18:30 at the shop, rolling 18:45. Route: up the Fløyen road and back down through "
        "Sandviken (about 22 km, one long climb, we regroup at the top).\n\n"
        "The forecast says wet and 4 °C. Lights, mudguards, warm gloves!",
        [
            C(
                "en",
                "Is the Fløyen road open for bikes at night?",
                B("Yes, it's open. It's just steep and dark, so bring a good front light."),
            ),
            C(
                "no",
                "Er det is på veien opp? Kjørte der i går, og det var glatt øverst.",
                B("Takk for tipset! Vi sjekker i morgen tidlig og poster her før kl. 16."),
                A(
                    "Fortsatt glatt i svingene øverst nå i morges, bare så dere vet ❄️",
                    fresh=True,
                ),
                sure=True,
            ),
            C("en", "Still on for tonight with the rain forecast? 🌧️", fresh=True),
            C(
                "en",
                "What's the pace on the climb? I'm slow uphill but fine on the flat.",
                B(
                    "Everyone climbs at their own pace and we regroup at the top. No one gets "
                    "left behind."
                ),
                A("Perfect, see you on Wednesday!", end="see"),
            ),
            C(
                "ja",
                "水曜日参加します！ライトはフロントとリア両方持っていきます。",
                B("ありがとう！ See you on Wednesday 🚲"),
            ),
            C(
                "en",
                "Can I join halfway, at the bottom of Fløyen? Coming from work.",
                P("We usually pass the funicular station around 18:55."),
                A("Thanks, I'll wait there!"),
            ),
            C("no", "Er det plass til én til? Første gang 🙋", fresh=True),
        ],
        pop=44,
        reach="null",
    ),
    PostSpec(
        "p22",
        "2026-11-24T08:00:00Z",
        PAGE_CHANNEL,
        "🖤 BLACK FRIDAY at Kestrel: the full list\n\n"
        "Online: Thursday 26 Nov 20:00 → Monday 30 Nov 23:59\n"
        "Shop: Friday 27 Nov from 08:00 (coffee and cinnamon buns for the early birds)\n\n"
        "🛞 Winter tyres & studs −20%\n"
        "🚲 2025 bikes −30%\n"
        "💡 Lights, mudguards, rain gear −15%\n"
        "🔧 Winter service 790 kr\n\n"
        "Kestrel Riders get access from 18:00 on Thursday. The link goes up in the group.",
        [
            C(
                "en",
                "Do you price match if the big chains have the same tyres cheaper?",
                B("We don't price match, sorry, but we fit them for free if you buy them here 😉"),
                A("Ooh OK, that changes the maths."),
            ),
            C(
                "no",
                "Kommer det flere Commuter 1 i M snart?",
                B("Ny batch kommer i uke 50! Du kan forhåndsbestille nå."),
            ),
            C(
                "en",
                "What time exactly does the group link go up? I'll be on a flight at 18:00 😭",
                B("18:00 sharp. The codes work until Monday, so you won't miss out!"),
                A("Phew, thank you!", end="thanks"),
            ),
            C(
                "en",
                "Is the grey hybrid e-bike in L still available? Would love to reserve it.",
                fresh=True,
            ),
            C(
                "es",
                "¿Hacéis envíos a Tromsø durante el Black Friday?",
                B("¡Sí! Free shipping on orders over 1 500 kr all weekend."),
            ),
            C(
                "no",
                "Blir det rabatt på sykkelcomputere også?",
                B("Ikke denne gangen, beklager!"),
                A("Synd! Men skal kjøpe piggdekk uansett 😄", end="see"),
            ),
            C(
                "en",
                "Can I still get the 790 kr service if I can't come in until December?",
                B("Yes! Book during the sale and the price holds for any December date."),
                likes=4,
            ),
            C("de", "Gilt der Rabatt auch für Geschenkgutscheine?"),
            C(
                "en",
                "Early birds get cinnamon buns?? I'll be there at 07:30 🥐",
                B("We'll save you the biggest one 😄"),
                likes=6,
            ),
        ],
        pop=268,
        mood="hype",
        shares=47,
    ),
    PostSpec(
        "p23",
        "2026-11-24T12:30:00Z",
        PAGE_CHANNEL,
        "💡 Tip Tuesday: be seen, not just lit\n\n"
        "A bright front light helps you see. Being SEEN is about a steady (not flashing) rear "
        "light at eye level, reflectors on pedals or ankles, and something on your sides for "
        "junctions.\n\n"
        "Movement catches the eye: reflective ankle bands are the cheapest upgrade you can "
        "make (79 kr at the counter).",
        [
            C(
                "en",
                "Why not flashing? I thought flashing was more visible.",
                B(
                    "Flashing gets attention but makes it hard for drivers to judge distance. "
                    "Steady, or a steady + pulse mode, is the best combo."
                ),
                A("Huh, TIL. Switching mine to steady.", end="thanks"),
            ),
            C(
                "no",
                "Refleksvest er undervurdert. Ser kanskje dumt ut, men jeg lever 😄",
                B("Det er aldri dumt å bli sett 😄"),
                P("Jeg har gult regntrekk på sekken, samme effekt!"),
                likes=3,
            ),
            C(
                "en",
                "Do you stock spoke reflectors that fit older wheels?",
                B("Yes, the clip-on ones fit almost any spoke. 49 kr for a set of 12."),
            ),
            C(
                "fr",
                "Très utile, merci ! Je partage avec mon club.",
                B("Merci beaucoup, {name} ! 🙏"),
            ),
        ],
        pop=87,
        shares=19,
    ),
    PostSpec(
        "p24",
        "2026-11-24T18:45:00Z",
        PAGE_CHANNEL,
        "✅ Shipping update: the backlog is cleared!\n\n"
        "All orders from 10–16 November have left the terminal, and most of you should have "
        "your parcel by Thursday. New orders ship the same day again.\n\n"
        "Thank you for your patience. If yours still hasn't turned up by Friday, send us your "
        "order number.",
        [
            C(
                "en",
                "Mine still says 'in transit', order #10519. Should I wait until Friday?",
                fresh=True,
            ),
            C("no", "Fikk min i dag, takk! 🙌", B("Så fint! God tur med de nye delene 😊")),
            C(
                "en",
                "Took 12 days but arrived in perfect condition. Thanks for keeping us updated.",
                B("Thank you for bearing with us, {name} 💛"),
            ),
            C(
                "no",
                "Pakken min ble levert til feil adresse ifølge sporingen. Hva gjør jeg nå?",
                fresh=True,
            ),
            C(
                "en",
                "Next time please send an SMS. I don't check email every day.",
                B("Good point! We're adding SMS notifications in the new year."),
                A("👍"),
                sure=True,
            ),
            C("es", "¡Recibido! Todo perfecto 👌", end="praise"),
            C(
                "en",
                "Does this mean Black Friday orders will ship normally?",
                B("Yes! Same-day dispatch for orders placed before 14:00."),
            ),
        ],
        pop=131,
        shares=2,
    ),
    # Scheduled posts: written before the export, going out in the next days.
    PostSpec(
        "p25",
        "2026-11-24T10:05:00Z",
        PAGE_CHANNEL,
        "🖤 BLACK FRIDAY IS ON!\n\n"
        "Doors open at 08:00, the coffee is hot and the cinnamon buns are warm.\n"
        "Online shop: https://example.invalid/kestrel/blackfriday 🛒\n"
        "Ends Monday at midnight.",
        status="scheduled",
        scheduled="2026-11-27T07:00:00Z",
    ),
    PostSpec(
        "p26",
        "2026-11-23T14:30:00Z",
        PAGE_CHANNEL,
        "⏰ Reminder: the free winter maintenance workshop is TONIGHT at 18:00 (doors 17:45).\n\n"
        "Bring your bike, your gloves and your questions! We're fully booked, so if you can't "
        "make it, please tell us and someone on the waiting list can come.",
        status="scheduled",
        scheduled="2026-11-26T15:00:00Z",
    ),
    PostSpec(
        "p27",
        "2026-11-25T08:40:00Z",
        PAGE_CHANNEL,
        "🕯️ Happy first Sunday of Advent!\n\n"
        "Our advent calendar starts on 1 December: a new deal behind every door, every day "
        "until Christmas. First door: something for cold hands 🧤",
        status="scheduled",
        scheduled="2026-11-29T09:00:00Z",
    ),
    # Pending: written by members in the group, waiting for a moderator.
    PostSpec(
        "p28",
        "2026-11-25T06:48:00Z",
        GROUP_CHANNEL,
        "Anyone up for an easy gravel ride to Gullfjellet on Saturday? Thinking 09:00 from "
        "Nesttun, about 45 km. Bring your own coffee ☕ All paces welcome 🙂",
        author="Javier Morales",
        status="pending",
    ),
    PostSpec(
        "p29",
        "2026-11-24T22:15:00Z",
        GROUP_CHANNEL,
        "Selger: Schwalbe Marathon Winter Plus 700x40, brukt én sesong, alle piggene på plass. "
        "600 kr for paret. Kan levere i sentrum. Send meg en melding!",
        author="Sindre Bakke",
        status="pending",
    ),
    # A draft on the Page.
    PostSpec(
        "p30",
        "2026-11-24T15:30:00Z",
        PAGE_CHANNEL,
        "[DRAFT] Christmas gift guide 🎁\n\n"
        "Under 300 kr: tyre levers, reflective ankle bands, chain lube\n"
        "Under 1000 kr: lights, merino socks, the Kestrel multitool\n"
        "For the big one: gift card 🙂\n\n"
        "TODO: photos from Ane, double-check the light prices",
        status="draft",
    ),
]


# --------------------------------------------------------------------------------------------
# Time helpers.


def parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def minutes(lo: float, hi: float) -> timedelta:
    return timedelta(seconds=rng.randint(int(lo * 60), int(hi * 60)))


def fresh_time() -> datetime:
    """A moment 2 to 50 minutes before the export."""
    return EXPORTED_AT - minutes(2, 50)


def night_owl(moment: datetime, latest: datetime) -> datetime:
    """Bergen mostly sleeps between 01 and 06 local time (00-05 UTC)."""
    if moment.hour < 5 and rng.random() < 0.8:
        later = moment + timedelta(hours=rng.uniform(5, 7))
        if later <= latest:
            return later
    return moment


def top_level_time(post_time: datetime, until: datetime | None) -> datetime:
    """When a member starts a conversation: mostly soon after the post, some days later."""
    latest = EXPORTED_AT - timedelta(minutes=75)
    if until is not None:
        latest = min(latest, until)
    span = latest - post_time
    roll = rng.random()
    if roll < 0.7:
        offset = timedelta(minutes=3 + rng.expovariate(1 / 150))
    elif roll < 0.93:
        offset = timedelta(hours=rng.uniform(4, 72))
    else:
        offset = span * rng.random()
    offset = min(offset, span * rng.uniform(0.6, 1.0))
    moment = post_time + offset + timedelta(seconds=rng.randint(0, 59))
    return night_owl(min(moment, latest), latest)


def brand_hours(moment: datetime) -> datetime:
    """The team answers between 07:00 and 22:00 Bergen time (06-21 UTC)."""
    if moment.hour >= 21:
        moment = (moment + timedelta(days=1)).replace(hour=6, minute=0) + minutes(0, 90)
    elif moment.hour < 6:
        moment = moment.replace(hour=6, minute=0) + minutes(0, 90)
    return moment


def reply_delay(who: str) -> timedelta:
    roll = rng.random()
    if who == "b":
        if roll < 0.4:
            return minutes(3, 25)
        if roll < 0.75:
            return minutes(40, 240)
        return minutes(300, 1200)
    if who == "a":
        return minutes(4, 150) if roll < 0.75 else minutes(360, 1440)
    if who == "o":
        return minutes(3, 90) if roll < 0.8 else minutes(180, 600)
    return minutes(10, 300)  # a peer


PROBABILITY = {"b": 0.92, "a": 0.6, "p": 0.75, "o": 0.9}
CLOSING = 0.85  # how often we answer a message marked with `end`

# Our short answers to the last message of a thread, by what that message was (`end`) and its
# language; "{them}" is the given name of its author.
CLOSERS: dict[str, dict[str, list[str]]] = {
    "thanks": {
        "en": [
            "Glad we could help! 🙌",
            "Anytime! 🚲",
            "You're welcome, {them}!",
            "Happy to help 😊",
        ],
        "no": ["Bare hyggelig! 😊", "Så lite, {them}! 🙌", "Bare hyggelig, god tur! 🚲"],
        "es": ["¡De nada, {them}! 😊"],
        "de": ["Gern geschehen! 😊"],
        "pl": ["Nie ma za co! 😊"],
    },
    "praise": {
        "en": ["Thank you, {them}! 💛", "Thanks for the kind words 💛", "That made our day 😊"],
        "no": ["Tusen takk, {them}! 💛", "Så hyggelig å høre! 😊", "Takk! 🙌"],
        "es": ["¡Muchas gracias, {them}! 💛"],
        "ja": ["ありがとうございます！😊"],
    },
    "see": {
        "en": ["See you then! 👋", "Perfect, see you soon!", "Great, see you there 🚲"],
        "no": ["Vi ses! 👋", "Flott, vi ses! 🚲", "Supert, velkommen innom!"],
        "pt": ["Até amanhã, {them}! 👋"],
    },
    "fun": {
        "en": ["😂", "Haha, love it 😄", "This made our morning 😂"],
        "no": ["Haha 😂", "Hehe, helt sant 😄"],
        "es": ["😂😂"],
    },
}


def closer(kind: str, lang: str, them: str) -> str:
    pool = CLOSERS[kind].get(lang, CLOSERS[kind]["en"])
    return rng.choice(pool).replace("{them}", them)


def likes(who: str, base: int | None) -> int:
    if base is not None:
        return base
    if who == "b":
        return rng.choice((0, 0, 0, 1, 1, 2, 3))
    weights = (30, 25, 15, 10, 7, 5, 3, 2, 2, 1)
    return rng.choices(range(len(weights)), weights)[0]


# --------------------------------------------------------------------------------------------
# Choosing members.


def pick_member(lang: str, exclude: set[str]) -> Member:
    candidates = [m for m in PEOPLE if lang in m.langs and m.id not in exclude]
    if rng.random() < 0.2:
        regulars = [m for m in candidates if PEOPLE.index(m) < REGULARS]
        if regulars:
            return rng.choice(regulars)
    fewest = min(m.uses for m in candidates)
    return rng.choice([m for m in candidates if m.uses == fewest])


def fill(text: str, names: dict[str, str]) -> str:
    for key, value in names.items():
        text = text.replace("{" + key + "}", value)
    return text


# --------------------------------------------------------------------------------------------
# Building the document.


@dataclass
class Msg:
    author: dict[str, str]
    time: datetime
    text: str
    parent: int | None
    depth: int
    likes: int
    hidden: bool = False
    key: str = ""


def conversation(script: Script, post: PostSpec, post_time: datetime) -> list[Msg]:
    owner = BY_NAME[post.author] if post.author else None
    exclude = {owner.id} if owner else set()
    names: dict[str, str] = {"owner": owner.given if owner else ""}

    if script.by == "brand":
        starter: Member | None = None
        top_author = PAGE
    else:
        fixed = BY_NAME.get(script.author or "")
        starter = fixed or pick_member(script.lang, exclude)
        starter.uses += 1
        exclude.add(starter.id)
        names["name"] = starter.given
        top_author = starter.ref
    if script.fresh:
        when = fresh_time()
    elif script.by == "brand":
        when = brand_hours(post_time + minutes(15, 180))
    else:
        until = parse(post.until) if post.until else None
        when = top_level_time(post_time, until)
    top_likes = likes("b" if script.by == "brand" else "m", script.likes)
    msgs = [Msg(top_author, when, fill(script.text, names), None, 0, top_likes, script.hidden)]
    langs = [script.lang]
    ends = [script.end]

    peer: Member | None = None
    for step in script.steps:
        if not script.sure and rng.random() > PROBABILITY[step.who]:
            break
        parent = len(msgs) - 1 if step.to is None else step.to
        previous = msgs[-1].time
        if step.fresh:
            when = fresh_time()
            if when <= previous:
                when = previous + minutes(2, 8)
        else:
            when = previous + reply_delay(step.who)
        if step.who == "b":
            when = brand_hours(when)
        elif not step.fresh:
            when = night_owl(when, EXPORTED_AT - timedelta(minutes=75))
        if when > EXPORTED_AT - timedelta(minutes=1):
            break
        if step.who == "b":
            author = PAGE
        elif step.who == "a":
            assert starter is not None
            author = starter.ref
        elif step.who == "o":
            assert owner is not None
            author = owner.ref
        else:
            if peer is None or not step.same:
                peer = pick_member(step.lang or script.lang, exclude)
                exclude.add(peer.id)
                names["peer"] = peer.given
            author = peer.ref
        text = fill(step.text, names)
        msgs.append(Msg(author, when, text, parent, msgs[parent].depth + 1, likes(step.who, None)))
        langs.append(step.lang or script.lang)
        ends.append(step.end)
    else:
        # Every scripted reply happened. If the last message is a thank-you, a compliment or a
        # "see you there", we often answer it with a short line.
        last = msgs[-1]
        kind = ends[-1]
        if kind and last.depth < 4 and not script.fresh and rng.random() < CLOSING:
            when = brand_hours(last.time + reply_delay("b"))
            if when < EXPORTED_AT - timedelta(minutes=1):
                text = closer(kind, langs[-1], BY_ID[last.author["id"]].given)
                depth = last.depth + 1
                msgs.append(Msg(PAGE, when, text, len(msgs) - 1, depth, likes("b", None)))
    return msgs


def reactions(pop: int, mood: str) -> dict[str, int]:
    profiles = {
        "normal": {"like": 0.78, "love": 0.12, "haha": 0.03, "wow": 0.03, "care": 0.02},
        "love": {"like": 0.58, "love": 0.32, "haha": 0.03, "wow": 0.04, "care": 0.04},
        "funny": {"like": 0.62, "love": 0.1, "haha": 0.22, "wow": 0.03, "care": 0.02},
        "hype": {"like": 0.63, "love": 0.2, "haha": 0.02, "wow": 0.12, "care": 0.02},
        "sad": {"like": 0.45, "love": 0.05, "wow": 0.03, "sad": 0.2, "angry": 0.12, "care": 0.15},
    }
    counts: dict[str, int] = {}
    for kind in ("like", "love", "haha", "wow", "sad", "angry", "care"):
        share = profiles[mood].get(kind, 0.0)
        if mood != "sad" and kind in ("sad", "angry"):
            share = 0.004
        count = round(pop * share * rng.uniform(0.75, 1.25))
        if count > 0:
            counts[kind] = count
    return counts


def build() -> tuple[dict[str, object], dict[str, object]]:
    posts_out: list[dict[str, object]] = []
    counter = 0
    conversations: list[list[Msg]] = []
    for post in POSTS:
        post_time = parse(post.created)
        author = BY_NAME[post.author].ref if post.author else PAGE
        out: dict[str, object] = {
            "id": post.id,
            "channel": post.channel,
            "author": author,
            "created_at": post.created,
            "status": post.status,
        }
        if post.scheduled:
            out["scheduled_at"] = post.scheduled
        out["text"] = post.text
        out["permalink"] = PERMALINK.format(post.id) if post.status == "published" else None

        msgs: list[Msg] = []
        for script in post.scripts:
            thread = conversation(script, post, post_time)
            base = len(msgs)
            for m in thread:
                if m.parent is not None:
                    m.parent += base
            msgs.extend(thread)
            conversations.append(thread)
        order = sorted(range(len(msgs)), key=lambda i: (msgs[i].time, i))
        for i in order:
            counter += 1
            msgs[i].key = f"c{counter:04d}"
        comments = []
        for i in order:
            m = msgs[i]
            parent = None if m.parent is None else msgs[m.parent]
            assert parent is None or parent.time < m.time
            comments.append(
                {
                    "id": m.key,
                    "parent_id": None if parent is None else parent.key,
                    "author": m.author,
                    "created_at": iso(m.time),
                    "text": m.text,
                    "likes": m.likes,
                    "hidden": m.hidden,
                }
            )

        if post.status == "published":
            counts = reactions(post.pop, post.mood)
            metrics: dict[str, object] = {"reactions": counts}
            if post.shares is not None:
                metrics["shares"] = post.shares
            visible = sum(1 for m in msgs if not m.hidden)
            engagement = sum(counts.values()) + visible + (post.shares or 0)
            if post.reach == "known":
                reach = int(round(engagement * rng.uniform(13, 27), -1))
                metrics["reach"] = reach
                metrics["impressions"] = round(reach * rng.uniform(1.2, 1.6))
            elif post.reach == "null":
                metrics["reach"] = None
            out["metrics"] = metrics
        out["comments"] = comments
        posts_out.append(out)

    document: dict[str, object] = {
        "format": "commdash/v1",
        "source": {
            "name": "Kestrel Cycles",
            "platform": "facebook",
            "account": PAGE,
        },
        "exported_at": iso(EXPORTED_AT),
        "posts": posts_out,
    }
    return document, summarise(posts_out, conversations)


def summarise(posts: list[dict[str, object]], threads: list[list[Msg]]) -> dict[str, object]:
    statuses: dict[str, int] = {}
    for post in posts:
        status = str(post["status"])
        statuses[status] = statuses.get(status, 0) + 1
    all_msgs = [m for thread in threads for m in thread]
    visible_threads = [[m for m in th if not m.hidden] for th in threads if not th[0].hidden]
    waiting = [th for th in visible_threads if max(th, key=lambda m: m.time).author != PAGE]
    over_sla = [th for th in waiting if EXPORTED_AT - max(m.time for m in th) > SLA]
    starters = {th[0].author["id"] for th in threads if th[0].author != PAGE}
    everyone = {m.author["id"] for m in all_msgs if m.author != PAGE}
    newest = EXPORTED_AT - max(m.time for m in all_msgs)
    return {
        "posts": len(posts),
        "by status": statuses,
        "comments": len(all_msgs),
        "hidden comments": sum(m.hidden for m in all_msgs),
        "replies of ours": sum(m.author == PAGE for m in all_msgs),
        "conversations (visible)": len(visible_threads),
        "conversations whose latest message is not ours": len(waiting),
        "  share": f"{len(waiting) / len(visible_threads):.0%}",
        "  of those older than 60 min": len(over_sla),
        "distinct members starting conversations": len(starters),
        "distinct members commenting": len(everyone),
        "deepest reply depth": max(m.depth for m in all_msgs),
        "newest comment": f"{newest.total_seconds() / 60:.0f} min before exported_at",
    }


def main() -> None:
    document, summary = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    OUT.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(text.encode('utf-8')):,} bytes)")
    for key, value in summary.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
