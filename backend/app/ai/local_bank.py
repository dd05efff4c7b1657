"""The local provider's curated question bank: themes, their questions, and branching follow-ups.

Each theme opens with a question whose options lead to a follow-up; the last question comes from
the closing set, chosen by the emotions the answers pointed to. Every option's indicators are
catalog ids (a test checks this against `app.catalog.data`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Choice:
    text: str
    emotions: tuple[str, ...]
    next: str | None = None  # the follow-up question's key within the theme


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    text: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    label: str
    keywords: tuple[str, ...]  # word stems: "colleague" matches "colleagues"
    questions: tuple[Question, ...]  # the first one opens

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)


def _q(key: str, text: str, *choices: Choice) -> Question:
    return Question(key, text, choices)


C = Choice

THEMES: tuple[Theme, ...] = (
    Theme(
        "work",
        "work",
        (
            "work",
            "job",
            "boss",
            "manager",
            "colleague",
            "cowork",
            "office",
            "deadline",
            "project",
            "client",
            "career",
            "promotion",
            "fired",
            "layoff",
            "meeting",
            "shift",
            "team",
        ),
        (
            _q(
                "open",
                "What about work is weighing on you most?",
                C("I have more to do than I can manage", ("anxiety", "frustration"), "load"),
                C("Someone at work treated me unfairly", ("anger", "sadness"), "people"),
                C("I'm unsure about my future there", ("fear", "anxiety"), "future"),
                C("My effort doesn't seem to be noticed", ("sadness", "frustration"), "people"),
            ),
            _q(
                "load",
                "When the workload piles up, what happens inside you?",
                C("I keep going and feel drained", ("sadness", "frustration")),
                C("I worry I'll drop something important", ("anxiety", "fear")),
                C("I get irritated at the people adding more", ("anger", "frustration")),
            ),
            _q(
                "people",
                "How did that moment with the people at work leave you?",
                C("Angry that it was allowed to happen", ("anger", "disgust")),
                C("Hurt and a little smaller than before", ("sadness",)),
                C("Worried about what they think of me now", ("anxiety", "fear")),
            ),
            _q(
                "future",
                "What would a good outcome at work look like to you?",
                C("Security: knowing where I stand", ("anxiety", "contentment")),
                C("A fresh start somewhere new", ("excitement", "fear")),
                C("Being valued for what I already do", ("sadness", "joy")),
            ),
        ),
    ),
    Theme(
        "relationships",
        "a relationship",
        (
            "partner",
            "boyfriend",
            "girlfriend",
            "husband",
            "wife",
            "date",
            "dating",
            "breakup",
            "broke up",
            "friend",
            "relationship",
            "love",
            "cheat",
            "ex ",
            "marriage",
            "divorce",
            "lonely",
        ),
        (
            _q(
                "open",
                "What is happening between you and this person?",
                C("We keep arguing about the same things", ("frustration", "anger"), "conflict"),
                C("I feel distant from them", ("sadness", "anxiety"), "distance"),
                C("I'm afraid of losing them", ("fear", "anxiety"), "distance"),
                C("They did something that hurt me", ("anger", "sadness"), "conflict"),
            ),
            _q(
                "conflict",
                "When it turns into a conflict, what do you most want?",
                C("To be heard and understood", ("sadness", "frustration")),
                C("For them to admit they were wrong", ("anger",)),
                C("For the fighting to simply stop", ("anxiety", "sadness")),
            ),
            _q(
                "distance",
                "What does the distance feel like day to day?",
                C("Lonely, even when we're together", ("sadness",)),
                C("Uncertain: I keep reading the signs", ("anxiety", "fear")),
                C("Oddly calm, as if something settled", ("contentment", "surprise")),
            ),
        ),
    ),
    Theme(
        "family",
        "family",
        (
            "mother",
            "mom",
            "mum",
            "father",
            "dad",
            "parent",
            "sister",
            "brother",
            "sibling",
            "family",
            "son",
            "daughter",
            "child",
            "kids",
            "grandm",
            "grandf",
            "aunt",
            "uncle",
            "in-law",
        ),
        (
            _q(
                "open",
                "What is it about your family that is on your mind?",
                C("An old tension came back up", ("frustration", "anger"), "pattern"),
                C("I'm worried about someone in the family", ("anxiety", "fear"), "care"),
                C("I feel I can never do enough for them", ("sadness", "frustration"), "care"),
                C("A family moment surprised me", ("surprise", "joy"), "pattern"),
            ),
            _q(
                "pattern",
                "Does this feel like something that has happened before?",
                C("Yes, the same roles we've always played", ("frustration", "sadness")),
                C("No, this is new and I'm unsure how to react", ("surprise", "anxiety")),
                C("Partly, but this time I reacted differently", ("contentment", "surprise")),
            ),
            _q(
                "care",
                "What is the hardest part of caring for them?",
                C("Not being able to fix it", ("sadness", "fear")),
                C("Carrying it without much help", ("frustration", "anger")),
                C("Not knowing what comes next", ("anxiety",)),
            ),
        ),
    ),
    Theme(
        "health",
        "health",
        (
            "health",
            "sick",
            "ill",
            "illness",
            "doctor",
            "hospital",
            "diagnos",
            "pain",
            "symptom",
            "injur",
            "surgery",
            "sleep",
            "tired",
            "exhaust",
            "body",
            "medication",
            "therapy",
        ),
        (
            _q(
                "open",
                "What about your health is taking up space right now?",
                C("Waiting for results or an answer", ("anxiety", "fear"), "unknown"),
                C("Living with pain or tiredness", ("sadness", "frustration"), "daily"),
                C("My body isn't doing what it used to", ("sadness", "anger"), "daily"),
                C("I'm recovering and it's slow", ("frustration", "contentment"), "daily"),
            ),
            _q(
                "unknown",
                "While you wait, where do your thoughts go?",
                C("To the worst possible outcome", ("fear", "anxiety")),
                C("To everything I'd have to change", ("anxiety", "sadness")),
                C("I try to stay hopeful", ("contentment", "anxiety")),
            ),
            _q(
                "daily",
                "How does it shape your days?",
                C("I cancel things and feel left out", ("sadness",)),
                C("I push through and get short-tempered", ("frustration", "anger")),
                C("I'm learning to pace myself", ("contentment",)),
            ),
        ),
    ),
    Theme(
        "study",
        "studies",
        (
            "exam",
            "test",
            "school",
            "university",
            "college",
            "class",
            "course",
            "grade",
            "study",
            "studies",
            "homework",
            "thesis",
            "teacher",
            "professor",
            "student",
            "lecture",
        ),
        (
            _q(
                "open",
                "What about your studies is getting to you?",
                C("An exam or deadline is coming", ("anxiety", "fear"), "pressure"),
                C("I got a result I didn't want", ("sadness", "frustration"), "result"),
                C("I'm not sure I chose the right path", ("anxiety", "sadness"), "result"),
                C("I'm doing better than I expected", ("joy", "surprise"), "pressure"),
            ),
            _q(
                "pressure",
                "When you think about the pressure, what do you notice?",
                C("I can't focus and keep putting it off", ("anxiety", "frustration")),
                C("I'm scared of letting people down", ("fear", "sadness")),
                C("A bit of it actually drives me", ("excitement", "anxiety")),
            ),
            _q(
                "result",
                "What does that result mean to you?",
                C("That I'm not good enough", ("sadness", "fear")),
                C("That the system was unfair", ("anger", "frustration")),
                C("A signal to change something", ("contentment", "surprise")),
            ),
        ),
    ),
    Theme(
        "money",
        "money",
        (
            "money",
            "debt",
            "rent",
            "bill",
            "loan",
            "salary",
            "pay",
            "afford",
            "bank",
            "mortgage",
            "savings",
            "budget",
            "expens",
            "broke",
            "financ",
            "credit",
        ),
        (
            _q(
                "open",
                "What about money is pressing on you?",
                C("There isn't enough this month", ("anxiety", "fear"), "short"),
                C("A debt keeps growing", ("fear", "frustration"), "short"),
                C("Money is causing tension with someone", ("anger", "anxiety"), "others"),
                C("I made a choice I regret", ("sadness", "frustration"), "others"),
            ),
            _q(
                "short",
                "When you look at the numbers, what happens?",
                C("I avoid looking at all", ("anxiety", "fear")),
                C("I count it again and again", ("anxiety", "frustration")),
                C("I feel ashamed that it came to this", ("sadness", "disgust")),
            ),
            _q(
                "others",
                "What do you wish were different?",
                C("That we could talk about it calmly", ("frustration", "sadness")),
                C("That I'd decided differently", ("sadness",)),
                C("That someone would help carry it", ("anxiety", "sadness")),
            ),
        ),
    ),
    Theme(
        "loss",
        "a loss",
        (
            "died",
            "death",
            "dead",
            "passed away",
            "funeral",
            "grief",
            "griev",
            "lost ",
            "loss",
            "miss ",
            "missing",
            "pet",
            "dog",
            "cat",
            "goodbye",
            "anniversary",
        ),
        (
            _q(
                "open",
                "What is the loss like for you right now?",
                C("It is fresh and raw", ("sadness", "surprise"), "raw"),
                C("It comes back in waves", ("sadness", "anxiety"), "waves"),
                C("I feel numb more than sad", ("surprise", "sadness"), "raw"),
                C("I'm angry it happened", ("anger", "sadness"), "waves"),
            ),
            _q(
                "raw",
                "What do you need most in these days?",
                C("People around me", ("sadness", "contentment")),
                C("Quiet and time alone", ("sadness",)),
                C("Something to do with my hands", ("frustration", "anxiety")),
            ),
            _q(
                "waves",
                "What tends to bring a wave on?",
                C("Places and dates that remind me", ("sadness",)),
                C("Things left unsaid", ("sadness", "anger")),
                C("Moments of happiness that feel wrong", ("joy", "sadness")),
            ),
        ),
    ),
    Theme(
        "self_image",
        "how you see yourself",
        (
            "myself",
            "confidence",
            "ugly",
            "weight",
            "appearance",
            "failure",
            "worthless",
            "not good enough",
            "compare",
            "insecure",
            "ashamed",
            "shame",
            "embarrass",
            "mirror",
            "self",
        ),
        (
            _q(
                "open",
                "When you think about yourself in this, what comes up?",
                C("I compare myself to others and fall short", ("sadness", "anxiety"), "compare"),
                C("I'm embarrassed by something I did", ("disgust", "anxiety"), "inner"),
                C("I doubt I can handle it", ("fear", "anxiety"), "inner"),
                C("I'm annoyed at myself", ("frustration", "anger"), "inner"),
            ),
            _q(
                "compare",
                "Who are you comparing yourself with?",
                C("People I see online", ("sadness", "frustration")),
                C("Friends my age", ("anxiety", "sadness")),
                C("The person I used to be", ("sadness", "fear")),
            ),
            _q(
                "inner",
                "If a friend said this about themselves, what would you tell them?",
                C("That they're being too hard on themselves", ("contentment", "sadness")),
                C("That it will pass", ("contentment", "anxiety")),
                C("I honestly don't know", ("anxiety", "sadness")),
            ),
        ),
    ),
    Theme(
        "general",
        "this situation",
        (),
        (
            _q(
                "open",
                "Which of these comes closest to what you're feeling?",
                C("Something feels unfair", ("anger", "frustration"), "unfair"),
                C("I'm worried about what comes next", ("anxiety", "fear"), "ahead"),
                C("Something is missing or ended", ("sadness",), "ahead"),
                C("Something unexpected happened", ("surprise", "excitement"), "ahead"),
            ),
            _q(
                "unfair",
                "What makes it feel unfair?",
                C("I did my part and others didn't", ("anger", "frustration")),
                C("Nobody seems to notice", ("sadness", "frustration")),
                C("The rules changed without warning", ("surprise", "anger")),
            ),
            _q(
                "ahead",
                "How much of this is within your control?",
                C("Very little, and that scares me", ("fear", "anxiety")),
                C("Some of it, if I knew where to start", ("anxiety", "contentment")),
                C("Most of it: I just need energy", ("frustration", "excitement")),
            ),
        ),
    ),
)

# The final question, chosen by the family of emotions the answers pointed to.
CLOSING: dict[str, Question] = {
    "tense": _q(
        "close_tense",
        "If the tension could change one thing, what would it be?",
        C("Being treated fairly", ("anger", "frustration")),
        C("Having more room to breathe", ("frustration", "anxiety")),
        C("Letting go of it", ("contentment", "sadness")),
    ),
    "afraid": _q(
        "close_afraid",
        "What would help the worry most right now?",
        C("Knowing more about what will happen", ("anxiety", "fear")),
        C("Someone to share it with", ("sadness", "contentment")),
        C("A small first step I can take", ("contentment", "excitement")),
    ),
    "low": _q(
        "close_low",
        "What would feel kind to yourself today?",
        C("Rest, without feeling guilty", ("sadness", "contentment")),
        C("Talking to someone who gets it", ("sadness", "joy")),
        C("Doing one thing I enjoy", ("contentment", "joy")),
    ),
    "bright": _q(
        "close_bright",
        "How would you like to carry this forward?",
        C("Savour it a little longer", ("joy", "contentment")),
        C("Use the energy for something new", ("excitement", "joy")),
        C("Stay careful not to expect too much", ("anxiety", "surprise")),
    ),
}
EMOTION_FAMILY: dict[str, str] = {
    "anger": "tense",
    "frustration": "tense",
    "disgust": "tense",
    "fear": "afraid",
    "anxiety": "afraid",
    "sadness": "low",
    "joy": "bright",
    "excitement": "bright",
    "contentment": "bright",
    "surprise": "bright",
}
THEMES_BY_ID: dict[str, Theme] = {t.id: t for t in THEMES}
