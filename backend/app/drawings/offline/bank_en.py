"""The story bank in English: stressor categories, their factors and what points to them."""

from __future__ import annotations

from app.drawings.offline.bank_types import BankCategory, BankFactor, kw

CATEGORIES: tuple[BankCategory, ...] = (
    BankCategory(
        "grief",
        "Loss and Grief",
        kw(
            "died|die|dying|death|passed away|pass away|passing of|funeral|grief|griev*|mourn*|"
            "cemetery|grave|memorial|anniversary of|my late|put down|euthan*|lost my mother|"
            "lost my father|lost my mom|lost my dad|lost my grand*|miss her|miss him"
        ),
        (
            BankFactor(
                "absence",
                "Missing Their Presence",
                "The everyday places they filled now feel strangely empty. The mind keeps "
                "reaching for them out of habit, and each reminder reopens the loss.",
                kw("miss*|empty|gone|absence|without her|without him|never see*"),
            ),
            BankFactor(
                "unsaid",
                "Words Left Unsaid",
                "Conversations that never happened keep replaying. The last moments take on "
                "enormous weight, as if they summed up the whole relationship.",
                kw("never told|never said|goodbye|last time|last words|chance to|sorry"),
            ),
            BankFactor(
                "guilt",
                "Guilt in Hindsight",
                "The mind searches the past for what could have changed the ending. Looking "
                "back, the warning signs seem far clearer than they were at the time.",
                kw("should have|guilt*|fault|if only|blame*|could have|wasn't there"),
            ),
            BankFactor(
                "changed",
                "A Changed Daily Life",
                "Routines that once included them now have a gap in the middle. Ordinary days "
                "keep bumping into that gap, often when it is least expected.",
                kw("routine|every day|morning|dinner|weekend|holiday|christmas|birthday"),
            ),
            BankFactor(
                "alone",
                "Grieving Alone",
                "Others return to normal life sooner, so the grief becomes private. Many people "
                "quietly expect mourning to keep to a timetable, which makes a slower pace feel "
                "wrong.",
                kw("no one|nobody|alone|move on|moved on|back to work|understand*"),
            ),
        ),
    ),
    BankCategory(
        "health",
        "Health Anxiety",
        kw(
            "doctor|hospital*|diagnos*|symptom*|test result|scan|biopsy|sick*|ill|illness|disease|"
            "cancer|tumo*|surgery|operation|medication|health*|lump|clinic|chronic|"
            "blood test|mri|chemo*|fever|pain*"
        ),
        (
            BankFactor(
                "unknown",
                "Fear of the Unknown",
                "Waiting for answers leaves an empty space that the mind rushes to fill. It "
                "tends to fill it with the most frightening possibility.",
                kw("wait*|result*|not know|don't know|unknown|uncertain*|what if"),
            ),
            BankFactor(
                "body_watch",
                "Body on Constant Watch",
                "Once attention locks onto the body, every small sensation looks like a warning "
                "sign. Searching online adds worst-case stories that seem to fit.",
                kw("symptom*|pain*|chest|headache*|heartbeat|googl*|search*|online|lump|check*"),
            ),
            BankFactor(
                "control",
                "Loss of Control",
                "Illness is a reminder of how much lies outside our control. That helplessness "
                "can feel more threatening than the symptoms themselves.",
                kw("control*|helpless*|can't do|cannot do|plan|nothing i can"),
            ),
            BankFactor(
                "loved_one",
                "Worry for Loved Ones",
                "Watching someone you love struggle brings a helplessness of its own. Their pain "
                "is carried alongside the worry about what comes next.",
                kw("mom|mum|dad|mother|father|wife|husband|son|daughter|grandm*|grandf*|partner"),
            ),
            BankFactor(
                "drained",
                "Running Low on Energy",
                "Pain and poor sleep drain the reserves needed to cope. When energy is low, "
                "every problem looks larger and harder to bear.",
                kw("tired|exhaust*|sleep*|insomnia|fatigue*|drain*|energy|weak*"),
            ),
        ),
    ),
    BankCategory(
        "performance",
        "Public Performance Anxiety",
        kw(
            "presentation|presenting|present|speech|public speaking|stage|audience|perform*|"
            "recital|concert|interview*|pitch|in front of|microphone|mic|audition*|gala|slide|"
            "give a talk|keynote|host the|speak in public"
        ),
        (
            BankFactor(
                "judgment",
                "Fear of Being Judged",
                "Being watched wakes up an old fear of being rejected by the group. The mind "
                "assumes everyone notices every flaw, while most listeners are busy with their "
                "own thoughts.",
                kw("judg*|watch*|laugh*|think of me|audience|everyone|colleague|stare*|staring"),
            ),
            BankFactor(
                "perfection",
                "Pressure to Be Perfect",
                "Anything short of flawless registers as failure. One stumble is imagined as the "
                "moment everyone will remember.",
                kw("perfect*|mistake|mess up|flawless*|forget*|blank|wrong|embarrass*"),
            ),
            BankFactor(
                "body_alarm",
                "Body on High Alert",
                "A racing heart and trembling hands get read as proof that things are going "
                "wrong. That reading feeds the fear, and the body answers even louder.",
                kw("heart|shak*|sweat*|nervous*|breath*|can't sleep|stomach|panic*|voice|trembl*"),
            ),
            BankFactor(
                "stakes",
                "Everything Riding on It",
                "A single event gets loaded with the weight of a reputation or a career. The "
                "worst outcome is pictured so vividly that it starts to feel like the likely one.",
                kw("boss|ceo|promotion|career|important|annual|director|client|first time|big"),
            ),
            BankFactor(
                "comparison",
                "Comparing to Others",
                "Other speakers seem effortlessly at ease, while your own nerves are seen from "
                "the inside. That uneven comparison makes your own ability look smaller than it "
                "is.",
                kw("better|confident*|other|compar*|natural*|good at|everyone else"),
            ),
        ),
    ),
    BankCategory(
        "study",
        "Academic Pressure",
        kw(
            "exam*|test|grade|gpa|score|study|studies|studying|student|school|universit*|college|"
            "class|classes|homework|assignment|thesis|dissertation|professor|teacher|semester|"
            "final|midterm|revision|revising|course|degree|fail*|tutor"
        ),
        (
            BankFactor(
                "failing",
                "Fear of Failing",
                "Failure feels less like an event and more like a verdict on who you are. The "
                "mind rehearses the bad result again and again before it has happened.",
                kw("fail*|pass|retake|drop out|behind|flunk*"),
            ),
            BankFactor(
                "grades_worth",
                "Grades as Self-Worth",
                "A number on a page starts to stand for your whole value. Good results bring "
                "relief rather than joy, and poor ones feel like proof of not being enough.",
                kw("grade|score|gpa|mark|rank*|top of|best|smart*|stupid"),
            ),
            BankFactor(
                "expectations",
                "Expectations From Home",
                "Results carry the hopes of people who have sacrificed for you. Letting yourself "
                "down starts to feel like letting everyone down.",
                kw("parent|mom|dad|mother|father|family|proud|disappoint*|sacrific*"),
            ),
            BankFactor(
                "time",
                "Too Little Time",
                "The amount to learn seems far bigger than the time left. Every hour of rest "
                "feels stolen from work that is never finished.",
                kw("deadline|time|night|late|sleep*|cram*|week|tomorrow|due"),
            ),
            BankFactor(
                "future",
                "Uncertain Future",
                "One exam can feel as if it decides an entire life. Under that much pressure, "
                "other paths are hard to even imagine.",
                kw("future|career|job|graduat*|scholarship|admission|apply|application"),
            ),
        ),
    ),
    BankCategory(
        "money",
        "Financial Insecurity",
        kw(
            "money|debt|loan|rent|bill|pay|paid|salary|afford*|broke|bank|credit|mortgage|saving|"
            "expense|budget*|financ*|paycheck|overdraft|cost|price|owe"
        ),
        (
            BankFactor(
                "debt",
                "Weight of Debt",
                "Debt turns the future into something already spent. Its weight is felt every "
                "day, not only when a bill arrives.",
                kw("debt|loan|credit|owe|mortgage|interest|overdraft"),
            ),
            BankFactor(
                "income",
                "Unstable Income",
                "Not knowing what next month brings keeps the body braced for a blow. Planning "
                "feels pointless when the ground keeps moving.",
                kw("salary|paycheck|income|hour|freelanc*|laid off|fired|cut|contract"),
            ),
            BankFactor(
                "shame",
                "Shame Around Money",
                "Money trouble often comes with a quiet sense of shame. It feels like a "
                "judgement on character, though it is usually about circumstances. Many people "
                "hide it, so everyone else seems to be coping.",
                kw("embarrass*|ashamed|shame*|friend|hide|hiding|tell anyone|secret*"),
            ),
            BankFactor(
                "worst_case",
                "Spiralling Worst Cases",
                "One unexpected bill sets off a chain of imagined disasters. The future is "
                "pictured only in its darkest version.",
                kw("what if|lose|worst|evict*|homeless|emergenc*|unexpected*"),
            ),
            BankFactor(
                "providing",
                "Providing for Others",
                "Being responsible for other people's security doubles the weight of every "
                "expense. Falling short feels like failing them, not just yourself.",
                kw("kid|children|family|wife|husband|parent|son|daughter|support*"),
            ),
        ),
    ),
    BankCategory(
        "relationship",
        "Relationship Conflict",
        kw(
            "boyfriend|girlfriend|partner|husband|wife|spouse|relationship|fight*|fought|argu*|"
            "break up|breakup|broke up|divorc*|cheat*|jealous*|dating|marriage|my ex"
        ),
        (
            BankFactor(
                "unheard",
                "Feeling Unheard",
                "When a partner does not seem to listen, the hurt goes beyond the topic itself. "
                "It touches the deeper question of whether you matter to them.",
                kw("listen*|ignor*|talk*|understand*|dismiss*|communicat*|phone"),
            ),
            BankFactor(
                "abandonment",
                "Fear of Being Left",
                "A disagreement can set off a deep fear of being left. One cold evening starts "
                "to feel like the beginning of the end.",
                kw("leave|leaving|left|lose|alone|break up|breakup|distan*|cold|walked out"),
            ),
            BankFactor(
                "expectations",
                "Mismatched Expectations",
                "Each person carries an unspoken picture of what love looks like. When the "
                "pictures differ, ordinary differences read as a lack of care.",
                kw("expect*|chore|effort|fair|care|anniversar*|forgot*"),
            ),
            BankFactor(
                "trust",
                "Broken Trust",
                "Once trust has been hurt, new signals start to look suspicious. The mind scans "
                "for danger so as not to be caught off guard again.",
                kw("trust*|lie|lied|lying|cheat*|secret*|jealous*|betray*|message"),
            ),
            BankFactor(
                "loop",
                "The Same Fight Again",
                "The same argument keeps coming back because the need underneath it has not "
                "been met. Each round seems to confirm that nothing will ever change.",
                kw("again|same|every time|keep|always|cycle|never change*"),
            ),
        ),
    ),
    BankCategory(
        "family",
        "Family Expectations",
        kw(
            "parent|mom|mum|dad|mother|father|family|sibling|brother|sister|in-law|relative|"
            "cousin|aunt|uncle|grandparent|thanksgiving|christmas|reunion"
        ),
        (
            BankFactor(
                "duty",
                "Duty Versus Self",
                "Loyalty to family and your own wishes pull in different directions. Choosing "
                "yourself can feel like betrayal, even when it is not.",
                kw("dut*|owe|obligat*|choice|my own|my life|move out|want to"),
            ),
            BankFactor(
                "approval",
                "Longing for Approval",
                "A parent's approval still carries the weight it had in childhood. One critical "
                "remark can outweigh years of quieter support.",
                kw("proud|approv*|disappoint*|critici*|never good|prais*"),
            ),
            BankFactor(
                "comparison",
                "Measured Against Others",
                "Being compared with siblings or other people's children turns life into a "
                "ranking. Your own path starts to look like a detour, however well it is going.",
                kw("compar*|sibling|brother|sister|cousin|neighbo*|everyone else|better"),
            ),
            BankFactor(
                "roles",
                "Old Family Roles",
                "Going home can pull you back into a role outgrown long ago. Old patterns return "
                "quickly, and everyone reacts to the person you used to be.",
                kw("child|kid|treat me|treats me|still|role|visit*|grown"),
            ),
            BankFactor(
                "guilt",
                "Carrying Their Feelings",
                "Guilt grows where needs are never said out loud. Other people's moods start to "
                "feel like your job to fix.",
                kw("guilt*|upset|worried|take care|responsib*|sick|lonely"),
            ),
        ),
    ),
    BankCategory(
        "loneliness",
        "Loneliness and Isolation",
        kw(
            "lonely|loneli*|alone|isolat*|no friends|nobody|no one|by myself|left out|excluded|"
            "new city|moved to|disconnected|on my own"
        ),
        (
            BankFactor(
                "connection",
                "Missing Real Connection",
                "Being around people is not the same as feeling known. Loneliness lives in the "
                "gap between the two.",
                kw("friend*|people|talk*|understand*|close|know me|connect*"),
            ),
            BankFactor(
                "burden",
                "Fear of Burdening Others",
                "Reaching out feels like asking too much of others. The mind predicts rejection "
                "before anyone has had a chance to answer.",
                kw("bother*|burden*|annoy*|reach out|text|call|ask"),
            ),
            BankFactor(
                "shrinking",
                "A Shrinking Social Circle",
                "A move, a new job or friends settling down can quietly thin out a circle. Each "
                "skipped meeting makes the next one feel harder to join.",
                kw("moved|new city|new job|drift*|married|busy|lost touch"),
            ),
            BankFactor(
                "evenings",
                "Long Quiet Evenings",
                "Loneliness tends to peak when the day goes quiet. Silence gets read as proof "
                "that no one is thinking of you.",
                kw("night|evening|weekend|silen*|quiet|room|holiday"),
            ),
            BankFactor(
                "online",
                "Others' Highlight Reels",
                "Other people's shared moments look full and effortless. Scrolling sets their "
                "best moments beside your ordinary evenings.",
                kw("instagram|social media|online|post|photo|scroll*|phone|stories"),
            ),
        ),
    ),
    BankCategory(
        "self_image",
        "Self-Worth and Comparison",
        kw(
            "ugly|fat|weight|appearance|my body|looks|mirror|compar*|instagram|tiktok|"
            "social media|not good enough|worthless|confiden*|insecur*|jealous*|envy|envious|"
            "self-esteem"
        ),
        (
            BankFactor(
                "social_media",
                "Curated Online Lives",
                "Feeds show other people's best moments, chosen and edited. Set beside your "
                "unedited everyday life, the comparison is never fair.",
                kw("instagram|tiktok|social media|online|post|like|follower|scroll*"),
            ),
            BankFactor(
                "inner_critic",
                "A Harsh Inner Critic",
                "An inner voice speaks to you more harshly than you would ever speak to a "
                "friend. Its verdicts feel like facts because they are so familiar.",
                kw("stupid|hate myself|failure|loser|worthless|useless|idiot"),
            ),
            BankFactor(
                "appearance",
                "Appearance Pressure",
                "Narrow beauty standards turn the mirror into a daily test. Attention snaps to "
                "the one flaw and skips everything else.",
                kw("ugly|fat|weight|body|skin|face|mirror|beautiful|pretty|thin|diet*"),
            ),
            BankFactor(
                "never_enough",
                "Never Quite Enough",
                "Each goal reached quietly raises the bar for the next one. Success brings a "
                "moment of relief rather than lasting satisfaction.",
                kw("enough|perfect*|achiev*|success*|behind|my age"),
            ),
            BankFactor(
                "approval",
                "Needing Outside Approval",
                "Worth starts to feel like something other people grant or withhold. Their "
                "silence is easily read as a verdict.",
                kw("like me|approval|what people think|others think|validation|fit in"),
            ),
        ),
    ),
    BankCategory(
        "work",
        "Workplace Pressure",
        kw(
            "work|working|job|boss|manager|office|colleague|coworker|deadline|project|client|"
            "meeting|overtime|shift|promotion|career|company|workload|kpi|performance review|"
            "laid off|team|email"
        ),
        (
            BankFactor(
                "workload",
                "Endless Workload",
                "The list of tasks grows faster than anyone could finish it. Each unfinished "
                "item feels like a personal failure rather than a sign of too much work. In "
                "many workplaces, being constantly busy is quietly treated as proof of worth.",
                kw("task|workload|too much|project|email|pile*|overtime|extra|more work"),
            ),
            BankFactor(
                "boss",
                "Pressure From Above",
                "A manager's expectations start to feel like a verdict on your whole value. A "
                "short reply or a silence gets filled in with the harshest possible meaning.",
                kw("boss|manager|supervisor|critici*|yell*|shout*|review|feedback"),
            ),
            BankFactor(
                "deadlines",
                "Constant Time Squeeze",
                "Deadlines sit so close together that there is no room to recover. Each new "
                "delay feels like a disaster, even though many have been survived before.",
                kw("deadline|late|hour|rush*|urgent|time|tomorrow"),
            ),
            BankFactor(
                "unseen",
                "Effort Going Unseen",
                "Hard work that goes unnoticed touches a deep need to be valued. One missing "
                "thank-you gets read as proof that nothing you do counts.",
                kw("recogni*|credit|thank*|notic*|unfair|promot*|appreciat*|ignored"),
            ),
            BankFactor(
                "blurred",
                "Work Spilling Into Life",
                "Work follows you home and into the night. Rest starts to feel undeserved, as if "
                "switching off were a kind of failure. An always-online culture makes that "
                "boundary hard to hold.",
                kw("home|family|weekend|sleep*|night|vacation|holiday|evening|rest"),
            ),
        ),
    ),
    BankCategory(
        "general",
        "Everyday Overwhelm",
        (),
        (
            BankFactor(
                "too_much",
                "Too Much at Once",
                "Many small pressures arrive together, and none of them gets finished. The mind "
                "treats the whole pile as one impossible task.",
                kw("everything|too much|all at once|overwhelm*|pile*"),
            ),
            BankFactor(
                "uncertain",
                "Uncertain Outcome",
                "Not knowing how things will turn out keeps the mind on alert. It fills the gap "
                "with the least hopeful version of events.",
                kw("what if|don't know|not sure|future|uncertain*|wait*"),
            ),
            BankFactor(
                "alone",
                "Carrying It Alone",
                "Keeping worries private makes them heavier. Others seem to cope easily, partly "
                "because almost everyone hides their struggles.",
                kw("alone|nobody|no one|by myself|on my own"),
            ),
            BankFactor(
                "self_judgment",
                "Harsh Self-Judgment",
                "Setbacks get explained as flaws of character instead of circumstances. That "
                "turns one bad day into evidence about who you are.",
                kw("stupid|my fault|should have|blame*|failure"),
            ),
            BankFactor(
                "empty",
                "Running on Empty",
                "Stress spends energy faster than rest can refill it. When the tank is low, even "
                "small problems feel enormous.",
                kw("tired|exhaust*|sleep*|drain*|energy|burn*"),
            ),
        ),
    ),
)
