"""Whether a message in a language the model cannot read tells of something gone wrong, or
of a death.

The model reads English only, so a message in another language gets the plain playbook: the
message was read, the agent's answer, a close. Without a reading of the complaint, it never
apologised: of the panel's twelve hand-written messages in other languages over rounds 70 to
73, nine were judged "stiff", or lacking an apology for an outage, a stranded traveller, a
stalled parcel, three unanswered contacts. Damage and failed deliveries told without a word
of complaint (a parcel left in the rain, a box torn open, a train late) were added after
rounds 61 to 109: of the 179 hand-written messages in other languages, those complaining
that these lists miss fell from 21 to 10, six of them in languages without lists. These
words say the customer has a problem, in the languages the bank speaks best; a calm
question ("can I move my delivery to Friday?") shows none of them, and is not apologised to.
"""

from __future__ import annotations

import re

# "No problem" is no problem in any language.
_NO_PROBLEM = re.compile(
    r"\b(?:sin|ning[uú]n|no\s+hay)\s+problemas?\b|\bpas\s+de\s+probl[eè]me\b"
    r"|\bkein(?:e)?\s+problem(?:e)?\b|\bnessun\s+problema\b|\bsem\s+problemas?\b"
    r"|\bgeen\s+probleem\b|\bbez\s+problemu\b|\binga\s+problem\b",
    re.IGNORECASE,
)

_TROUBLE_WORDS: dict[str, str] = {
    "es": (
        r"devoluci[oó]n|devuelvan|devolver|reembols\w*|cancelaron|cancelad[oa]|suspendi[oó]"
        r"|sin\s+aviso|no\s+(?:ha|he)\s+(?:entrado|recibido|llegado)\s+nada|dos\s+veces"
        r"|me\s+han\s+vuelto\s+a|"
        r"problema|queja|reclamaci[oó]n|todav[ií]a\s+no|a[uú]n\s+no|sin\s+(?:luz|agua|gas"
        r"|servicio|conexi[oó]n|internet|respuesta|noticias)|nadie|retraso|error|inaceptable"
        r"|lamentable|urgente|aver[ií]a|no\s+funciona|no\s+(?:ha|han)\s+llegado"
        r"|no\s+he\s+recibido|desde\s+hace|otra\s+vez|varias\s+veces|bloquead[oa]|cobrad[oa]"
        r"|me\s+(?:han|ha)\s+cobrado|atrapad[oa]|tirad[oa]|perdid[oa]|ca[ií]d[oa]"
        r"|no\s+(?:carga|abre)"
    ),
    "pt": (
        r"reembols\w*|devolu[cç][aã]o|devolvam|cancelad[oa]|sem\s+aviso|sem\s+rede"
        r"|duas\s+vezes|j[aá]\s+perdi|"
        r"problema|reclama[cç][aã]o|ainda\s+n[aã]o|sem\s+(?:luz|[aá]gua|g[aá]s|servi[cç]o"
        r"|internet|resposta|not[ií]cias)|ningu[eé]m|atraso|inaceit[aá]vel|urgente"
        # An error shown, not a typo owned: "escrevi... com um erro" in a card's message
        # (panel round 85).
        r"|(?:deu|d[aá]|aparece|mostra)\s+(?:um\s+)?erro|erro\s+(?:no|na|ao|de)"
        r"|avaria|n[aã]o\s+funciona|n[aã]o\s+chegou|n[aã]o\s+recebi|h[aá]\s+(?:\d+|dois|duas"
        r"|tr[eê]s|v[aá]rios|v[aá]rias)\s+(?:dias|semanas)|de\s+novo|outra\s+vez|bloquead[oa]"
        r"|cobrad[oa]|cobraram|perdid[oa]"
        # An app or site that is down: "o app está fora do ar... o site não carrega" (panel
        # round 84).
        r"|fora\s+do\s+ar|n[aã]o\s+(?:carrega|abre|entra)"
        r"|recusad[oa]|duas\s+cobran[cç]as|cobran[cç]a\s+duplicada|danificad[oa]|partid[oa]"
    ),
    "fr": (
        r"rembours\w*|annul[ée]e?|sans\s+pr[ée]avis|deux\s+fois|d[ée]bit[ée]e?\s+de"
        r"|devait\s+(?:[êe]tre|arriver)|n'a\s+pas\s+su|"
        r"probl[eè]me|plainte|r[ée]clamation|toujours\s+(?:pas|rien)|sans\s+(?:courant"
        r"|[ée]lectricit[ée]|eau|gaz|service|connexion|internet|r[ée]ponse|nouvelles)"
        r"|personne\s+ne|retard|erreur|inacceptable|urgent|panne|ne\s+fonctionne"
        r"|pas\s+(?:[ée]t[ée]\s+)?(?:arriv[ée]|re[çc]u|livr[ée])|depuis\s+(?:\d+|deux|trois"
        r"|plusieurs)|encore\s+une\s+fois|bloqu[ée]|d[ée]bit[ée]|factur[ée]\s+deux|perdu"
        r"|sans\s+sonner|[ée]ventr[ée]\w*|fendu\w*|cass[ée]\w*|ab[iî]m[ée]\w*|tremp[ée]\w*|au\s+lieu\s+du"
    ),
    "de": (
        r"erstatt\w*|zur[üu]ckerstatt\w*|gutschrift|gutschreiben|storniert|zweimal|dreimal"
        r"|ohne\s+vorwarnung|nichts\s+(?:von\s+ihnen\s+)?(?:geh[öo]rt|eingegangen|erhalten)"
        r"|bis\s+heute|nachfrage|abbuchung|eingezogen|"
        r"problem|beschwerde|reklamation|immer\s+noch|noch\s+(?:nicht|kein\w*|immer)"
        r"|ohne\s+(?:strom|wasser|gas|internet|heizung|antwort)|niemand|versp[äa]t\w*|fehler"
        r"|inakzeptabel|unzumutbar|dringend|st[öo]rung|defekt|kaputt|funktioniert\s+nicht"
        r"|nicht\s+angekommen|nicht\s+erhalten|seit\s+(?:\d+|zwei|drei|vier|mehreren|tagen"
        r"|wochen)|schon\s+wieder|gesperrt|abgebucht|doppelt|verloren"
    ),
    "it": (
        r"rimbors\w*|restitu\w*|cancellat[oa]|soppress[oa]|due\s+volte|addebito"
        r"|risulta(?:no)?\s+ancora|"
        r"problema|reclamo|lamentel\w*|ancora\s+(?:non|nessun\w*)|senza\s+(?:luce|acqua|gas"
        r"|servizio|internet|risposta|notizie)|nessuno|ritardo|errore|inaccettabile|urgente"
        r"|guasto|non\s+funziona|non\s+(?:[èe]|sono)\s+(?:ancora\s+)?arrivat[oaie]"
        r"|non\s+ho\s+ricevuto|da\s+(?:\d+|due|tre|quattro|diversi)\s+(?:giorni|settimane)"
        r"|di\s+nuovo|bloccat\w*|addebitat[oaie]|pers[oa]"
    ),
    "nl": (
        r"terugbetal\w*|terugstort\w*|geannuleerd|twee\s+keer|nooit|zonder\s+bericht|"
        r"probleem|klacht|nog\s+steeds|nog\s+(?:niet|geen)|zonder\s+(?:stroom|water|gas"
        r"|internet|verwarming|antwoord)|niemand|vertraging|fout|onacceptabel|dringend"
        r"|storing|kapot|werkt\s+niet|niet\s+aangekomen|niet\s+ontvangen|al\s+(?:\d+|twee"
        r"|drie|vier)\s+(?:dagen|weken)|alweer|geblokkeerd|afgeschreven|dubbel|kwijt"
        r"|geweigerd|niet\s+aangebeld|doorweekt|kapot|beschadigd|gegooid|logt\s+\w+\s+uit|te\s+laat"
    ),
    "pl": (
        r"zwrot\w*|dwa\s+razy|dwie\s+p[łl]atno[śs]ci|podw[oó]jn\w*|anulowan\w*"
        r"|odwo[łl]an\w*|obci[ąa][żz]on\w*|"
        r"problem|reklamacj\w*|skarg\w*|nadal|wci[aą][zż]|bez\s+(?:pr[aą]du|wody|gazu"
        r"|internetu|odpowiedzi)|nikt|op[oó][zź]nieni\w*|b[łl][aą]d|niedopuszczaln\w*"
        r"|pilne|awari\w*|nie\s+dzia[łl]a|nie\s+dotar\w*|nie\s+otrzyma\w*|od\s+(?:\d+|dw[oó]ch"
        r"|trzech|kilku)\s+(?:dni|tygodni)|znowu|zablokowan\w*|pobran\w*|zgubi\w*"
        r"|kolejny\s+raz|po\s+raz\s+kolejny|uszkodzon\w*|zniszczon\w*"
    ),
    "sv": (
        r"tillbaka\s+pengarna|[åa]terbetalning|ers[äa]ttning|inst[äa]lld\w*|st[äa]lldes\s+in"
        r"|utan\s+f[öo]rvarning|tv[åa]\s+g[åa]nger|dubbeldebiter\w*|kom\s+aldrig|"
        r"problem|klagom[åa]l|reklamation|fortfarande|utan\s+(?:str[öo]m|el|vatten|internet"
        r"|v[äa]rme|svar)|ingen\s+har|f[öo]rsenad\w*|fel|oacceptabel\w*|br[åa]dskande"
        r"|avbrott|trasig\w*|fungerar\s+inte|inte\s+kommit|inte\s+f[åa]tt|i\s+(?:\d+|tv[åa]"
        r"|tre|flera)\s+(?:dagar|veckor)|igen|sp[äa]rrad\w*|dragits|borta|strandsatt\w*"
        r"|f[öo]rsena\w*|k[öo]rde\s+f[öo]rbi|skadad\w*"
    ),
}
_TROUBLE: dict[str, re.Pattern[str]] = {
    language: re.compile(rf"\b(?:{words})\b", re.IGNORECASE)
    for language, words in _TROUBLE_WORDS.items()
}


# A death or a funeral told of, in the same languages: the plain playbook then opens on a
# condolence ("it needs a line of condolence for a bereaved customer", panel rounds 71 and 75:
# a German and a Polish message).
_LOSS_WORDS: dict[str, str] = {
    "es": r"falleci\w*|muri[oó]|difunt[oa]|p[eé]rdida\s+de\s+mi|luto|funeral|entierro",
    "pt": r"faleceu|falecimento|falecid[oa]|morreu|luto|funeral|enterro",
    "fr": r"d[ée]c[ée]d[ée]e?|d[ée]c[eè]s|est\s+mort[e]?|nous\s+a\s+quitt[ée]s?|deuil"
    r"|obs[èe]ques|enterrement",
    "de": r"verstorben\w*|gestorben|tod\s+(?:meine[sr]?|unsere[sr]?)|todesfall|trauer\w*"
    r"|beerdigung|beisetzung",
    "it": r"decedut[oa]|scompars[oa]|[èe]\s+mort[oa]|morte\s+d[ie]|lutto|funerale",
    "nl": r"overleden|overlijden|gestorven|rouw|begrafenis|uitvaart",
    "pl": r"zmar[łl]\w*|[śs]mier[ćc]\w*|[żz]a[łl]ob\w*|odesz[łl]\w*|pogrzeb\w*",
    "sv": r"avled|avliden|gick\s+bort|d[öo]dsfall|d[öo]dsbo|begravning\w*",
}
_LOSS: dict[str, re.Pattern[str]] = {
    language: re.compile(rf"\b(?:{words})\b", re.IGNORECASE)
    for language, words in _LOSS_WORDS.items()
}


def loss_told_in(text: str | None, language: str) -> bool:
    """Whether the message, written in `language`, tells of a death.

    >>> loss_told_in("Mein Vater ist am 28. Oktober gestorben.", "de")
    True
    """
    pattern = _LOSS.get(language)
    return pattern is not None and bool(text) and pattern.search(text or "") is not None


def trouble_told(text: str | None, language: str) -> bool:
    """Whether the message, written in `language`, tells of something gone wrong.

    >>> trouble_told("Llevo tres días sin luz y nadie me responde.", "es")
    True
    >>> trouble_told("¿Puedo cambiar la dirección de entrega al viernes?", "es")
    False
    """
    pattern = _TROUBLE.get(language)
    if pattern is None or not text:
        return False
    return pattern.search(_NO_PROBLEM.sub(" ", text)) is not None
