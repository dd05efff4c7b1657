"""The story bank in Spanish: the same categories and factors as English, written for Spanish."""

from __future__ import annotations

from app.drawings.offline.bank_types import BankCategory, BankFactor, kw

CATEGORIES: tuple[BankCategory, ...] = (
    BankCategory(
        "grief",
        "Pérdida y Duelo",
        kw(
            "murió|murio|muerte|muerto|muerta|falleci*|funeral|velorio|entierro|duelo|luto|"
            "cementerio|tumba|perdí a mi|perdimos a|eutanasia|ya no está|se nos fue|"
            "echo de menos a|extraño a mi"
        ),
        (
            BankFactor(
                "absence",
                "Añorar su Presencia",
                "Los lugares que esa persona llenaba en el día a día ahora se sienten "
                "extrañamente vacíos. La mente sigue buscándola por costumbre, y cada recuerdo "
                "reabre la herida.",
                kw(
                    "echo de menos|extraño|extrañ*|vacío|vacía|ya no está|nunca más|sin ella|sin él"
                ),
            ),
            BankFactor(
                "unsaid",
                "Palabras Pendientes",
                "Las conversaciones que nunca ocurrieron se repiten una y otra vez. Los últimos "
                "momentos adquieren un peso enorme, como si resumieran toda la relación.",
                kw("nunca le dije|no pude decir|despedir*|despedida|última vez|perdón|decirle"),
            ),
            BankFactor(
                "guilt",
                "Culpa al Mirar Atrás",
                "La mente rebusca en el pasado qué podría haber cambiado el final. Vistas desde "
                "hoy, las señales parecen mucho más claras de lo que eran entonces.",
                kw("culpa*|debería haber|si hubiera|podría haber|no estuve|reproch*"),
            ),
            BankFactor(
                "changed",
                "Rutinas con un Vacío",
                "Las rutinas que antes incluían a esa persona ahora tienen un hueco en el centro. "
                "Los días corrientes tropiezan con ese vacío cuando menos se espera.",
                kw("rutina*|cada día|todos los días|mañana*|cena|domingo*|navidad|cumpleaños"),
            ),
            BankFactor(
                "alone",
                "Un Duelo en Soledad",
                "Los demás vuelven a la normalidad antes, y el duelo se vuelve algo privado. "
                "Socialmente se espera que el luto tenga fecha de caducidad, y un ritmo más lento "
                "parece un error.",
                kw("nadie|sola|solo|pasar página|seguir adelante|volver al trabajo|entiende*"),
            ),
        ),
    ),
    BankCategory(
        "health",
        "Ansiedad por la Salud",
        kw(
            "médic*|hospital*|diagnóstic*|síntoma*|análisis|resultados|prueba*|biopsia|"
            "enferm*|dolor*|cáncer|tumor*|cirugía|operación|operar*|medicament*|salud|bulto|"
            "clínica|crónic*|fiebre|resonancia|quimio*"
        ),
        (
            BankFactor(
                "unknown",
                "Miedo a lo Desconocido",
                "La espera de respuestas deja un vacío que la mente se apresura a llenar. Y "
                "suele llenarlo con la posibilidad más aterradora.",
                kw("esper*|resultado*|no sé|no saber|incertidumbre|y si"),
            ),
            BankFactor(
                "body_watch",
                "El Cuerpo en Vigilancia",
                "Cuando la atención se fija en el cuerpo, cualquier pequeña sensación parece una "
                "señal de alarma. Buscar en internet añade historias terribles que parecen "
                "encajar.",
                kw("síntoma*|dolor*|pecho|cabeza|latido*|google|internet|busqu*|bulto"),
            ),
            BankFactor(
                "control",
                "Pérdida de Control",
                "La enfermedad hace evidente cuánto escapa a nuestro control. Esa impotencia puede "
                "asustar más que los propios síntomas.",
                kw("control*|impoten*|no puedo hacer|planes|nada que hacer"),
            ),
            BankFactor(
                "loved_one",
                "Angustia por Alguien Querido",
                "Ver sufrir a alguien a quien quieres trae una impotencia propia. Su dolor se "
                "carga junto a la preocupación por lo que vendrá.",
                kw("madre|padre|mamá|papá|hijo|hija|esposa|esposo|marido|abuel*|pareja"),
            ),
            BankFactor(
                "drained",
                "Sin Reservas de Energía",
                "El dolor y el mal descanso agotan las reservas necesarias para afrontar las "
                "cosas. Con la energía baja, cada problema parece más grande y más difícil de "
                "llevar.",
                kw("cansad*|agotad*|dormir|insomnio|fatiga|energía|sin fuerzas|débil"),
            ),
        ),
    ),
    BankCategory(
        "performance",
        "Ansiedad ante el Público",
        kw(
            "presentación|presentar|exponer|exposición|discurso|hablar en público|escenario|"
            "público|actuar|actuación|concierto|recital|entrevista*|micrófono|audición|gala|"
            "brindis|conferencia|charla|diapositivas|ponencia"
        ),
        (
            BankFactor(
                "judgment",
                "Miedo al Juicio Ajeno",
                "Sentirse observado despierta un miedo antiguo a ser rechazado por el grupo. La "
                "mente da por hecho que todos notan cada fallo, aunque la mayoría está pendiente "
                "de sí misma.",
                kw("juzg*|mirand*|mirar*|reír*|se rían|qué pensarán|público|todos|compañeros"),
            ),
            BankFactor(
                "perfection",
                "Exigencia de Perfección",
                "Cualquier cosa que no sea impecable se vive como un fracaso. Un solo tropiezo se "
                "imagina como el momento que todos recordarán.",
                kw("perfect*|error*|equivoc*|olvid*|quedarme en blanco|en blanco|ridículo"),
            ),
            BankFactor(
                "body_alarm",
                "El Cuerpo en Alerta",
                "El corazón acelerado y las manos temblorosas se interpretan como prueba de que "
                "algo va mal. Esa lectura alimenta el miedo, y el cuerpo responde con más fuerza "
                "todavía.",
                kw("corazón|tembl*|sud*|nervios*|respir*|no puedo dormir|estómago|pánico|voz"),
            ),
            BankFactor(
                "stakes",
                "Todo en Juego",
                "Un solo acontecimiento carga con el peso de una reputación o de una carrera. El "
                "peor resultado se imagina con tanto detalle que empieza a parecer el más "
                "probable.",
                kw("jefe|director*|ascenso|carrera|importante|anual|cliente*|primera vez"),
            ),
            BankFactor(
                "comparison",
                "Compararse con los Demás",
                "Los demás parecen hablar con total soltura, mientras que tus nervios los ves "
                "desde dentro. Esa comparación desigual hace que tu capacidad parezca menor de "
                "lo que es.",
                kw("mejor|seguro de sí|segura de sí|los demás|compar*|natural*"),
            ),
        ),
    ),
    BankCategory(
        "study",
        "Presión Académica",
        kw(
            "examen|exámenes|nota|notas|calificaci*|estudi*|escuela|colegio|instituto|"
            "universidad|facultad|clase|clases|deberes|tarea*|tesis|profesor*|semestre|"
            "selectividad|oposicion*|suspend*|aprobar|asignatura*|trabajo de fin"
        ),
        (
            BankFactor(
                "failing",
                "Miedo a Suspender",
                "El suspenso se siente menos como un resultado y más como un veredicto sobre "
                "quién eres. La mente ensaya el mal resultado una y otra vez antes de que ocurra.",
                kw("suspend*|suspenso|aprobar|repetir|dejar la carrera|atrasad*|fracas*"),
            ),
            BankFactor(
                "grades_worth",
                "Las Notas como Valía",
                "Un número en un papel empieza a representar tu valor entero. Las buenas notas "
                "traen alivio más que alegría, y las malas parecen la prueba de no ser "
                "suficiente.",
                kw("nota|notas|calificaci*|media|puesto|el mejor|la mejor|inteligente|tont*"),
            ),
            BankFactor(
                "expectations",
                "Expectativas en Casa",
                "Los resultados cargan con las esperanzas de quienes se han sacrificado por ti. "
                "Fallarte a ti mismo empieza a sentirse como fallarles a todos.",
                kw("padres|madre|padre|mamá|papá|familia|orgullos*|decepcion*|sacrifici*"),
            ),
            BankFactor(
                "time",
                "Falta de Tiempo",
                "Lo que hay que aprender parece mucho más grande que el tiempo que queda. Cada "
                "hora de descanso se siente robada a un trabajo que nunca termina.",
                kw("plazo|tiempo|noche|tarde|dormir|semana|mañana|entrega*"),
            ),
            BankFactor(
                "future",
                "Un Futuro Incierto",
                "Un solo examen puede parecer que decide toda una vida. Con tanta presión, cuesta "
                "imaginar otros caminos posibles.",
                kw("futuro|carrera|trabajo|gradu*|beca|admisión|plaza|solicitud"),
            ),
        ),
    ),
    BankCategory(
        "money",
        "Inseguridad Económica",
        kw(
            "dinero|deuda*|préstamo*|alquiler|factura*|pagar|pago*|sueldo|salario|nómina|"
            "fin de mes|banco|tarjeta|hipoteca|ahorro*|gasto*|presupuesto|económic*|"
            "financ*|crédito|cuenta corriente"
        ),
        (
            BankFactor(
                "debt",
                "Deudas que Pesan",
                "Las deudas convierten el futuro en algo ya gastado. Su peso se nota cada día, "
                "no solo cuando llega una factura.",
                kw("deuda*|préstamo*|crédito|debo|hipoteca|intereses|tarjeta"),
            ),
            BankFactor(
                "income",
                "Ingresos Inestables",
                "No saber qué traerá el mes que viene mantiene el cuerpo preparado para el golpe. "
                "Planificar parece inútil cuando el suelo no deja de moverse.",
                kw("sueldo|salario|nómina|ingresos|horas|autónom*|despid*|recorte*|contrato"),
            ),
            BankFactor(
                "shame",
                "Vergüenza por el Dinero",
                "Los problemas de dinero suelen venir con una vergüenza silenciosa. Se sienten "
                "como un juicio sobre la persona, aunque casi siempre dependen de las "
                "circunstancias. Mucha gente lo oculta, así que parece que los demás se las "
                "arreglan.",
                kw("vergüenza|avergonzad*|amigos|ocult*|escond*|contárselo|secreto"),
            ),
            BankFactor(
                "worst_case",
                "Imaginar lo Peor",
                "Una factura inesperada desata una cadena de desastres imaginados. El futuro "
                "solo se ve en su versión más oscura.",
                kw("y si|perder|lo peor|desahuci*|en la calle|emergencia|imprevisto*"),
            ),
            BankFactor(
                "providing",
                "Mantener a los Suyos",
                "Ser responsable de la seguridad de otros duplica el peso de cada gasto. No "
                "llegar se siente como fallarles a ellos, no solo a uno mismo.",
                kw("hijos|niños|familia|esposa|marido|padres|mantener|hijo|hija"),
            ),
        ),
    ),
    BankCategory(
        "relationship",
        "Conflicto de Pareja",
        kw(
            "novio|novia|pareja|marido|esposo|esposa|relación|pelea*|peleamos|discut*|"
            "discusión|ruptura|romp*|divorci*|infiel*|engañ*|celos*|matrimonio|mi ex"
        ),
        (
            BankFactor(
                "unheard",
                "Falta de Escucha",
                "Cuando la pareja no parece escuchar, el dolor va más allá del tema en sí. Toca "
                "una pregunta más profunda: si de verdad le importas.",
                kw("escuch*|ignor*|hablar|habla|entiende*|comunic*|móvil"),
            ),
            BankFactor(
                "abandonment",
                "Miedo al Abandono",
                "Un desacuerdo puede despertar un miedo profundo a ser abandonado. Una noche fría "
                "empieza a parecer el principio del final.",
                kw("dejar*|dejó|perder*|sola|solo|ruptura|distan*|frío|fría|se fue|irse"),
            ),
            BankFactor(
                "expectations",
                "Expectativas Distintas",
                "Cada persona lleva una idea no dicha de cómo es el amor. Cuando esas ideas no "
                "coinciden, las diferencias normales se leen como falta de cariño.",
                kw("esper*|tareas|esfuerzo|justo|cariño|aniversario|olvid*"),
            ),
            BankFactor(
                "trust",
                "Confianza Herida",
                "Cuando la confianza ya se ha dañado, las señales nuevas empiezan a parecer "
                "sospechosas. La mente vigila el peligro para que no vuelva a pillarla "
                "desprevenida.",
                kw("confian*|mentir*|mintió|mentira*|engañ*|secreto*|celos*|traici*|mensajes"),
            ),
            BankFactor(
                "loop",
                "Siempre la Misma Pelea",
                "La misma discusión vuelve porque la necesidad que hay debajo sigue sin "
                "atenderse. Cada asalto parece confirmar que nada cambiará nunca.",
                kw("otra vez|de nuevo|lo mismo|siempre|cada vez|nunca cambia*"),
            ),
        ),
    ),
    BankCategory(
        "family",
        "Expectativas Familiares",
        kw(
            "padres|madre|padre|mamá|papá|familia*|hermano*|hermana*|suegr*|parientes|primo|"
            "prima|tío|tía|abuel*|navidad|reunión familiar"
        ),
        (
            BankFactor(
                "duty",
                "Deber Frente a Deseo",
                "La lealtad a la familia y tus propios deseos tiran en direcciones opuestas. "
                "Elegirte a ti puede sentirse como una traición, aunque no lo sea.",
                kw("deber*|obligaci*|elegir|mi vida|independiz*|quiero|mi propia"),
            ),
            BankFactor(
                "approval",
                "Necesidad de Aprobación",
                "La aprobación de un padre o una madre sigue pesando como en la infancia. Un "
                "solo comentario crítico puede pesar más que años de apoyo silencioso.",
                kw("orgullos*|aprob*|decepcion*|critic*|nunca es suficiente|elogi*"),
            ),
            BankFactor(
                "comparison",
                "Comparaciones Constantes",
                "Que te comparen con tus hermanos o con los hijos de otros convierte la vida en "
                "una clasificación. Tu propio camino empieza a parecer un desvío, aunque vaya "
                "bien.",
                kw("compar*|hermano*|hermana*|primo|prima|vecin*|los demás|mejor"),
            ),
            BankFactor(
                "roles",
                "Viejos Papeles Familiares",
                "Volver a casa puede devolverte a un papel que dejaste atrás hace tiempo. Los "
                "viejos patrones regresan rápido, y todos reaccionan ante la persona que eras.",
                kw("niño|niña|me tratan|todavía|papel|visita*|de pequeñ*"),
            ),
            BankFactor(
                "guilt",
                "Cargar con sus Emociones",
                "La culpa crece donde las necesidades nunca se dicen en voz alta. El malestar de "
                "los demás empieza a parecer tarea tuya.",
                kw("culpa*|disgust*|preocupad*|cuidar|responsab*|enferm*|solos|solas"),
            ),
        ),
    ),
    BankCategory(
        "loneliness",
        "Soledad y Aislamiento",
        kw(
            "soledad|me siento solo|me siento sola|estoy solo|estoy sola|muy solo|muy sola|"
            "aislad*|aislamiento|sin amigos|nadie|excluid*|nueva ciudad|me mudé|"
            "desconectad*|no tengo con quién"
        ),
        (
            BankFactor(
                "connection",
                "Falta de Conexión Real",
                "Estar rodeado de gente no es lo mismo que sentirse conocido. La soledad vive en "
                "el espacio entre ambas cosas.",
                kw("amig*|gente|hablar|entiende*|cercan*|conoce*|conect*"),
            ),
            BankFactor(
                "burden",
                "Miedo a Molestar",
                "Pedir compañía se siente como pedir demasiado. La mente anticipa el rechazo "
                "antes de que nadie haya podido responder.",
                kw("molest*|carga|escribir*|llamar|pedir|rechaz*"),
            ),
            BankFactor(
                "shrinking",
                "Amistades que se Alejan",
                "Una mudanza, un trabajo nuevo o amigos que forman su familia pueden ir "
                "reduciendo el círculo sin hacer ruido. Cada encuentro que se pierde hace que el "
                "siguiente cueste más.",
                kw(
                    "mudé|mudanza|nueva ciudad|trabajo nuevo|alej*|casad*|ocupad*|perdí el contacto"
                ),
            ),
            BankFactor(
                "evenings",
                "Noches Largas y Silenciosas",
                "La soledad suele apretar cuando el día se queda en silencio. Ese silencio se "
                "interpreta como prueba de que nadie piensa en ti.",
                kw("noche*|tarde*|fin de semana|silencio|piso|habitación|vacaciones"),
            ),
            BankFactor(
                "online",
                "Vidas Ajenas en Pantalla",
                "Los momentos que otros comparten parecen plenos y sin esfuerzo. Al deslizar, sus "
                "mejores instantes quedan junto a tus tardes corrientes.",
                kw("instagram|redes sociales|redes|publica*|fotos|móvil|historias"),
            ),
        ),
    ),
    BankCategory(
        "self_image",
        "Autoestima y Comparación",
        kw(
            "feo|fea|gord*|peso|aspecto|mi cuerpo|espejo|compar*|instagram|tiktok|"
            "redes sociales|no soy suficiente|no valgo|insegur*|envidia|autoestima|complejo*"
        ),
        (
            BankFactor(
                "social_media",
                "Vidas Perfectas en Redes",
                "Las redes muestran los mejores momentos de otros, elegidos y retocados. Junto a "
                "tu día a día sin filtros, la comparación nunca es justa.",
                kw("instagram|tiktok|redes|publica*|likes|me gusta|seguidores|filtro*"),
            ),
            BankFactor(
                "inner_critic",
                "Un Crítico Interior Implacable",
                "Una voz interior te habla con una dureza que nunca usarías con un amigo. Sus "
                "veredictos parecen hechos porque resultan muy familiares.",
                kw("tont*|me odio|fracasad*|inútil|no valgo|idiota|desastre"),
            ),
            BankFactor(
                "appearance",
                "Presión por la Apariencia",
                "Unos cánones de belleza estrechos convierten el espejo en un examen diario. La "
                "atención salta al único defecto y pasa por alto todo lo demás.",
                kw("feo|fea|gord*|peso|cuerpo|piel|cara|espejo|guap*|delgad*|dieta"),
            ),
            BankFactor(
                "never_enough",
                "Nunca Es Suficiente",
                "Cada meta alcanzada sube en silencio el listón de la siguiente. El éxito trae un "
                "momento de alivio más que una satisfacción duradera.",
                kw("suficiente|perfect*|logr*|éxito|atrás|a mi edad"),
            ),
            BankFactor(
                "approval",
                "Depender de la Aprobación",
                "La valía empieza a parecer algo que otros conceden o niegan. Su silencio se lee "
                "fácilmente como un veredicto.",
                kw("gustar|aprobación|qué piensan|qué dirán|encajar|aceptad*"),
            ),
        ),
    ),
    BankCategory(
        "work",
        "Presión Laboral",
        kw(
            "trabajo|trabajar|jefe|jefa|oficina|compañeros de trabajo|plazo*|fecha límite|"
            "proyecto*|cliente*|reunión|reuniones|horas extra|turno|ascenso|empresa|laboral|"
            "curro|despido|equipo"
        ),
        (
            BankFactor(
                "workload",
                "Trabajo sin Fin",
                "Las tareas crecen más rápido de lo que nadie podría terminarlas. Cada pendiente "
                "se vive como un fallo personal y no como señal de que hay demasiado trabajo. En "
                "muchos lugares, estar siempre ocupado se toma en silencio como prueba de valía.",
                kw("tareas|demasiado|proyectos|correos|montón|horas extra|más trabajo|carga"),
            ),
            BankFactor(
                "boss",
                "Presión desde Arriba",
                "Las expectativas de un jefe empiezan a sentirse como un juicio sobre tu valor "
                "entero. Una respuesta seca o un silencio se rellenan con el significado más duro "
                "posible.",
                kw("jefe|jefa|superior|critic*|grit*|evaluación|revisión"),
            ),
            BankFactor(
                "deadlines",
                "Siempre contra el Reloj",
                "Los plazos están tan pegados que no queda margen para recuperarse. Cada nuevo "
                "retraso parece un desastre, aunque muchos ya se hayan superado antes.",
                kw("plazo*|fecha límite|tarde|horas|prisa|urgente|tiempo|mañana"),
            ),
            BankFactor(
                "unseen",
                "Esfuerzo que Nadie Ve",
                "El trabajo que pasa desapercibido toca una necesidad profunda de sentirse "
                "valorado. Un agradecimiento que no llega se interpreta como prueba de que nada "
                "de lo que haces cuenta.",
                kw("reconoc*|mérito|gracias|nadie se da cuenta|injust*|ascenso|valor*"),
            ),
            BankFactor(
                "blurred",
                "Sin Desconexión Posible",
                "El trabajo te sigue a casa y hasta la noche. Descansar empieza a parecer "
                "inmerecido, como si desconectar fuera un fracaso. La cultura de estar siempre "
                "disponible hace difícil mantener ese límite.",
                kw("casa|familia|fin de semana|dormir|noche|vacaciones|descans*|desconect*"),
            ),
        ),
    ),
    BankCategory(
        "general",
        "Agobio Cotidiano",
        (),
        (
            BankFactor(
                "too_much",
                "Demasiado a la Vez",
                "Muchas presiones pequeñas llegan juntas y ninguna se termina. La mente trata "
                "todo el montón como una única tarea imposible.",
                kw("todo|demasiad*|a la vez|agobi*|montón"),
            ),
            BankFactor(
                "uncertain",
                "Un Desenlace Incierto",
                "No saber cómo acabarán las cosas mantiene la mente en alerta. Rellena el hueco "
                "con la versión menos esperanzadora.",
                kw("y si|no sé|futuro|incierto|incertidumbre|esper*"),
            ),
            BankFactor(
                "alone",
                "Cargarlo en Solitario",
                "Guardarse las preocupaciones las hace más pesadas. Los demás parecen llevarlo "
                "con facilidad, en parte porque casi todo el mundo esconde sus dificultades.",
                kw("sola|solo|nadie|yo mism*"),
            ),
            BankFactor(
                "self_judgment",
                "Juzgarse con Dureza",
                "Los tropiezos se explican como defectos propios y no como circunstancias. Así, "
                "un mal día se convierte en una prueba sobre quién eres.",
                kw("tont*|mi culpa|debería haber|culp*|fracaso"),
            ),
            BankFactor(
                "empty",
                "Sin Energía",
                "El estrés gasta energía más deprisa de lo que el descanso la repone. Con el "
                "depósito casi vacío, hasta los problemas pequeños parecen enormes.",
                kw("cansad*|agotad*|dormir|energía|quemad*|sin fuerzas"),
            ),
        ),
    ),
)
