"""Realistic stories, as people type them into the app, with the category each one is about."""

from __future__ import annotations

# (language, expected category, story)
STORIES: tuple[tuple[str, str, str], ...] = (
    (
        "en",
        "work",
        "My manager dumped three new projects on me this week and I stayed at the office until "
        "ten every night. Nobody even said thanks, and now I'm answering emails on the weekend.",
    ),
    (
        "en",
        "performance",
        "Tomorrow I have to give a speech at the company annual gala in front of four hundred "
        "people. My heart is racing, I keep imagining I'll forget my words and everyone will "
        "laugh.",
    ),
    (
        "en",
        "relationship",
        "My boyfriend and I had the same fight again last night. He never listens when I talk "
        "about how I feel, and this time he left and didn't answer my messages.",
    ),
    (
        "en",
        "family",
        "Every time I visit my parents my mother compares me to my sister, who has a house and "
        "two kids. My dad says he's disappointed I quit law school.",
    ),
    (
        "en",
        "loneliness",
        "I moved to a new city six months ago and I still have no friends here. Evenings are the "
        "worst, I sit alone in my room scrolling through everyone's photos.",
    ),
    (
        "en",
        "money",
        "Rent went up again and I can't afford it anymore. My credit card debt keeps growing and "
        "I'm too ashamed to tell my friends why I never go out.",
    ),
    (
        "en",
        "health",
        "The doctor found a lump and sent me for a biopsy. I have to wait two weeks for the "
        "results and I keep googling my symptoms at 3am.",
    ),
    (
        "en",
        "study",
        "My final exams start next week and I'm so behind. If I fail chemistry again I lose my "
        "scholarship, and my parents sacrificed so much to send me to university.",
    ),
    (
        "en",
        "grief",
        "My grandmother passed away last month. I never got to say goodbye because I was abroad, "
        "and I keep thinking I should have visited her more often.",
    ),
    (
        "en",
        "self_image",
        "I look at Instagram and everyone my age seems prettier, thinner and more successful. I "
        "hate my body when I look in the mirror and I feel like I'm never good enough.",
    ),
    (
        "en",
        "general",
        "Lately everything feels like a bit too much. I wake up tired, the days blur together, "
        "and I can't really say what is wrong, just a heavy feeling all the time.",
    ),
    (
        "zh",
        "work",
        "这周老板又给我加了三个项目，我每天加班到晚上十点。做了这么多，领导一句感谢都没有，"
        "周末还要回工作群的消息。",
    ),
    (
        "zh",
        "performance",
        "明天我要在公司年会上演讲，台下有四百多人，老板也会坐在第一排。我紧张得睡不着，"
        "一直担心自己会忘词，怕大家笑话我。",
    ),
    (
        "zh",
        "relationship",
        "昨晚我和男朋友又吵架了，还是同样的问题。他从来不听我说话，吵完就冷战，"
        "我发消息他也不回，我真的很怕他哪天就这样离开我。",
    ),
    (
        "zh",
        "family",
        "每次过年回家，我妈都拿我和表姐比较，说人家早就结婚生孩子了。亲戚们一直催婚，"
        "还给我安排相亲，我觉得很累。",
    ),
    (
        "zh",
        "loneliness",
        "来这个城市工作半年了，一个朋友都没有。每天下班回到出租屋，一个人吃饭，"
        "周末也没人说话，感觉特别孤独。",
    ),
    (
        "zh",
        "money",
        "这个月房租又涨了，工资根本不够花。信用卡和花呗欠了好几万，每天都在想怎么还款，"
        "又不敢告诉家里，怕他们为我担心。",
    ),
    (
        "zh",
        "study",
        "下个月就要考研了，我感觉什么都没复习完。每天刷题到半夜，成绩还是上不去，"
        "爸妈为我付出那么多，考不上怎么办。",
    ),
    (
        "zh",
        "grief",
        "奶奶上个月去世了。我在外地工作，没来得及见她最后一面，到现在还常常自责，"
        "觉得应该多回家陪陪她，每次想起她做的饭就很难受。",
    ),
    (
        "es",
        "work",
        "Mi jefe me ha dado tres proyectos nuevos esta semana y me quedo en la oficina hasta "
        "las diez todas las noches. Nadie me da las gracias y encima contesto correos el fin "
        "de semana.",
    ),
    (
        "es",
        "performance",
        "Mañana tengo que dar un discurso en la gala anual de la empresa delante de cuatrocientas "
        "personas. Tengo el corazón a mil y no paro de imaginar que me quedaré en blanco.",
    ),
    (
        "es",
        "relationship",
        "Anoche mi novia y yo tuvimos la misma pelea de siempre. Siento que nunca me escucha "
        "cuando le hablo de lo que me pasa, y esta vez se fue sin decir nada.",
    ),
    (
        "es",
        "family",
        "Cada vez que voy a casa de mis padres, mi madre me compara con mi hermana, que ya tiene "
        "casa e hijos. Mi padre dice que le decepcionó que dejara la carrera de derecho.",
    ),
    (
        "es",
        "loneliness",
        "Me mudé a una nueva ciudad hace seis meses y todavía no tengo amigos aquí. Las noches "
        "son lo peor: me siento sola en mi habitación mirando las fotos de los demás.",
    ),
    (
        "es",
        "money",
        "El alquiler ha vuelto a subir y ya no llego a fin de mes. La deuda de la tarjeta no deja "
        "de crecer y me da vergüenza contárselo a mis amigos.",
    ),
    (
        "es",
        "health",
        "El médico me encontró un bulto y me mandó a hacer una biopsia. Tengo que esperar dos "
        "semanas para los resultados y no dejo de buscar mis síntomas en internet.",
    ),
    (
        "es",
        "grief",
        "Mi abuela falleció el mes pasado. No pude despedirme porque estaba fuera del país, y "
        "sigo pensando que debería haberla visitado más a menudo.",
    ),
)

# The first story of each language in STORIES.
ONE_PER_LANGUAGE = {language: story for language, _category, story in reversed(STORIES)}

# Stories in languages the bank does not write, which must get the English analysis.
OTHER_LANGUAGE_STORIES: tuple[tuple[str, str], ...] = (
    (
        "fr",
        "Demain je dois faire une présentation devant toute l'entreprise. Mon patron sera là et "
        "j'ai peur de tout oublier, je n'arrive plus à dormir depuis trois jours.",
    ),
    (
        "de",
        "Mein Chef gibt mir ständig neue Aufgaben und ich bleibe jeden Abend bis spät im Büro. "
        "Am Wochenende lese ich E-Mails und kann einfach nicht mehr abschalten.",
    ),
)
