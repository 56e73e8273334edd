"""Word lists for watchlist matching: legal forms to drop, common words that never match alone.

Precision depends on these: "SZ DJI Technology Co., Ltd." and "DJI" are the
same company once legal-form words and place names are set aside, while a
watch term made only of such words ("Technology", "China") would match
half of a list and so must never match by itself. The lists are plain data,
chosen from the words that recur most in the real OFAC and CSL names.
"""

from __future__ import annotations

from monitor.countries import ISO_3166_ALPHA2
from monitor.names import fold

# Dropped from names before comparing: legal forms in the languages the lists
# use, their transliterations (Russian "obshchestvo s ogranichennoi
# otvetstvennostyu" is LLC), and the corporate words the issue names.
_LEGAL = """
    co company companies cos corp corporation inc incorporated ltd ltda limited llc llp lp
    plc gmbh mbh ag kg kgaa se sa sas sarl srl spa sl bv nv oy oyj ab aps asa as kk
    pte pty pvt sdn bhd tbk fze fzco fzc fzllc fz est wll sal saog saoc qsc
    jsc ojsc pjsc cjsc ao oao zao pao ooo tov pat prat ood eood doo dd ad
    obshchestvo obschestvo ogranichennoi ogranichennoy otvetstvennostyu aktsionernoe
    otkrytoe zakrytoe publichnoe kompaniya tovarystvo derzhavne pidpryemstvo s
    sociedad anonima cia limitada cv psc sae liability responsibility
    technology technologies tech
    the and of for de del la le el los las du des y et und
    youxian gongsi youxiangongsi jituan keji jishu gufen konggu
"""
LEGAL_FORMS = frozenset(_LEGAL.split())
# Legal forms and register types the lists write short that rigour's table lacks: Russian
# "FGUP"/"GUP" (federal or state unitary enterprise), "GNTs" (state scientific centre:
# "GNTS RF FGUP TSNIIKHM"), Belarusian "UE" (unitary enterprise), "NJSC", "JSB"
# (joint-stock bank), "KB" (a commercial bank or a design bureau: generic either way),
# "JV"/"JVC" (joint venture), the Central African "SARLU", the Venezuelan "S.A.C.A.",
# the Ukrainian "DP" (derzhavne pidpryemstvo, state enterprise: "ZAVOD SHAMPANSKYKH VYN
# NOVY SVIT, DP" is "DERZHAVNE PIDPRYEMSTVO ZAVOD SHAMPANSKYKH VYN NOVY SVIT"), the
# Iranian "P.J.S." (public joint stock: "TAGHTIRAN P.J.S."), the Russian "FSUE" (federal
# state unitary enterprise: "FSUE SZ 'MORYE'"; not "SUE", a given name), "FKU", "FGBU",
# "FAU", "FGAU" (federal state institutions: "FAU 'GLAVGOSEKSPERTIZA ROSSII'"), the
# Russian company types written short before a name: "SK" (a shipping, insurance or
# building company: "SK GUDZON, OOO"), "IC" (investment company: "LLC IC ABROS"); the
# Mexican "S.P.R. de R.L." (rural production company of limited liability). Not "VO"
# (foreign economic association) nor "R.I." (unlimited liability): a watched name may be
# a person's, and 'Vo' and 'Ri' are Vietnamese and Korean surnames.
# Dropped from organisations' names only: in a listed person's name two or three letters
# may be initials.
ORGANISATION_FORMS = frozenset(
    [
        *("sarlu", "saca", "jsb", "njsc", "fgup", "gup", "gnts", "jv", "jvc", "ue", "kb", "dp"),
        *("pjs", "fsue", "fku", "fgbu", "fau", "fgau"),
        *("sk", "ic", "spr", "rl"),
    ]
)
# Legal forms written as dotted initials closing an organisation's name: the Venezuelan
# "C.A." (compania anonima), Colombian "C.I." (comercializadora internacional), "E.U."
# (empresa unipersonal), Mexican "A.C." (asociacion civil): "HILAL TRAVEL C.A.". Only
# dotted and last: elsewhere the letters may be a name's initials.
DOTTED_FORMS = frozenset(["ca", "ci", "eu", "ac"])
# Legal forms the lists write out in full where rigour's table knows them short only: the
# Mexican rural production company, "S.P.R. DE R.I." (unlimited liability) or "S.P.R. DE
# R.L." (limited), which the SDN names in full as an alias of the short form: "'ALONDRA
# PRODUCE', SOCIEDAD DE PRODUCCION RURAL DE RESPONSABILIDAD ILIMITADA" for "ALONDRA
# PRODUCE, S.P.R. DE R.I.". Whole phrases only: 'Rural' or 'Produccion' alone may be
# what a company is called.
SPELT_FORMS = (
    "sociedad de produccion rural de responsabilidad ilimitada",
    "sociedad de produccion rural de responsabilidad limitada",
    "sociedad de produccion rural",
)
# Words of that list that are no legal form but articles and particles, in companies'
# and people's names alike ("DE VERA, Pio"): dropping them says nothing of a company.
PARTICLES = frozenset(
    [
        "the",
        "and",
        "of",
        "for",
        "de",
        "del",
        "la",
        "le",
        "el",
        "los",
        "las",
        "du",
        "des",
        "y",
        "et",
        "und",
        "s",
    ]
)

# The Arabic article as the lists write it ("AL-HAQ", "UL-HAQ", "JAMAAT-UD-DAWAH"): a
# name with it and without it is one name. Kept in the name (it joins 'Al Haramain'
# to 'ALHARAMAIN') but never missing from a listed name.
# Before a "sun letter" the article takes its sound: "ABD AR-RAHMAN", "KHALIL UR RAHMAN",
# "SAFI AD-DIN", "AS-SAHAB".
ARABIC_ARTICLES = frozenset({"al", "ul", "ud", "ur", "ar", "ad", "as", "at", "az", "an"})
# The Persian and Urdu connector ("BANK-E EGHTESAD NOVIN", "TEHRIK-I-TALIBAN") and the
# Arabic "and" ("JAISH AL-MUHAJIREEN WA ANSAR"), in names of organisations: in a
# person's name a lone letter is an initial.
# The English and Arabic "in" too ("ISLAMIC STATE OF IRAQ AND THE LEVANT IN LIBYA" /
# "...-LIBYA", "TANZIM QA'IDAT AL-JIHAD FI BILAD AL-RAFIDAYN"): a watched name's particle
# the listed one leaves out is no word missing.
CONNECTORS = frozenset({"e", "i", "wa", "in", "fi"})


# Chinese legal-form words, removed before transliteration: once transliterated,
# "华为技术有限公司" is one run of syllables that no word list could split.
CJK_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团",
    "控股",
    "科技",
    "技术",
    "公司",
)

_PLACES = """
    asia europe africa america middle east west north south central far
    beijing shanghai shenzhen guangzhou hangzhou tianjin wuhan chengdu chongqing nanjing
    xian harbin dalian qingdao suzhou xiamen hefei changsha zhengzhou jinan shenyang
    dandong ningbo dongguan foshan zhuhai kunming urumqi changchun taiyuan nanchang
    guangdong sichuan hubei hunan jiangsu zhejiang shandong henan hebei fujian anhui
    liaoning jilin heilongjiang shaanxi shanxi yunnan guizhou guangxi xinjiang tibet
    ningxia qinghai gansu hainan jiangxi inner mongolia
    hong kong hongkong macau macao taipei sz bj sh gz hk
    moscow petersburg saint st novosibirsk yekaterinburg kazan sevastopol crimea
    tehran isfahan shiraz tabriz mashhad kish dubai sharjah abu dhabi damascus aleppo
    beirut baghdad minsk pyongyang caracas havana kyiv kiev istanbul ankara karachi
    lahore islamabad singapore kuala lumpur bangkok yangon
    chinese russian iranian korean syrian belarusian venezuelan cuban iraqi lebanese
    turkish pakistani afghan yemeni libyan sudanese burmese emirati ukrainian
    province municipal municipality city district region regional oblast krai
"""

_GENERIC = """
    bank banking trading trade traders import export exports international intl
    industrial industries industry investment investments invest development engineering
    electronics electronic electric electrical energy services service systems system
    solutions shipping logistics transport transportation petroleum oil gas chemical
    chemicals research institute institution university academy science sciences
    scientific center centre laboratory laboratories lab national state general global
    world new first second united joint stock commercial manufacturing machinery
    equipment materials communications communication telecommunications telecom
    telecommunication information digital software aviation defense defence military security bureau
    ministry office department agency association foundation organization organisation
    enterprise enterprises partners capital finance financial construction power metal
    metals mining steel products production design instruments instrument precision
    optical optics semiconductor advanced integrated smart intelligent innovation
    innovations high technical media marine sea ocean air airlines automation control
    medical pharmaceutical health public private supply supplies resources management
    consulting business economic unit branch subsidiary plant factory works project
    projects co-operative cooperative union federation republic people islamic arab
    shipbuilding shipyard aircraft airline refinery exchange radio television broadcasting
    peoples charitable charity fund trust society committee council services
    group grupo groupe holding holdings
    society directorate channel
    sherkat sherkate sazeman sazemane havacilik
    """

# The same words in the languages of the lists' Iranian and Turkish companies, as their
# names transliterate them: Persian "sherkat(e)" (company: "SHERKAT SANAYEH ELECTRONICS
# IRAN"), "sazeman(e)" (organisation: "SAZEMANE SANAYE DEFA"), Turkish "havacilik"
# (aviation: "PIONEER LOGISTICS HAVACILIK"). Not "sazman": a word one letter from a
# generic word is read as it (tokens._known_word), and 'Salman' is a given name; nor the
# Arabic "hawala" (money transfer), the one word 'AHMAD SHAH HAWALA' is told by.
# "Group" and "Holding" are among them, not among the legal forms: "ATLAS HOLDING SAL"
# resting on "atlas" alone would find every listed "ATLAS ..." company.
# Generic words of company names; a word one typo away from one of these (or
# from a legal form) is read as that word: 'Internaional' is 'international'.
# Place names are left out of that: 'Daedong' is not a misspelt 'Dandong'.
GENERIC_WORDS = frozenset(_GENERIC.split())

# What Latin American companies' names say they are, before the name they are known by
# ("COMERCIALIZADORA TROPPO", "MULTISERVICIOS JEVIZ S.A. DE C.V.", "BANCO BANDES"): the
# Spanish generic words most frequent in the SDN's names of organisations. They stay
# distinctive words (read as common, a company named "DISTRIBUIDORA DE SERVICIOS Y
# COMBUSTIBLES" kept one word to be found by), but a company named after a watched one
# may begin with them (:func:`monitor.watchlists.scoring.score_names`).
_DESCRIPTORS = """
    banco comercial comercializadora inversiones inmobiliaria servicios servicio
    multiservicios constructora construcciones distribuidora importadora exportadora
    operadora industria industrias empresa empresarial fundacion asociacion centro
    desarrollo desarrollos transportes seguros negocios soluciones consorcio corporativo
    agropecuaria agricola ganaderia ganadera compania corporacion club deportivo
"""
DESCRIPTORS = frozenset(_DESCRIPTORS.split())

# Words of a country's name written in several words that are people's names on their own:
# 'Jan' of Svalbard and Jan Mayen, 'Trinidad' of Trinidad and Tobago, 'Martin' of Saint
# Martin. Alone they name a person, never the place ('JAN, Lahore', 'TRINIDAD, Khalil' are
# SDN persons), so they stay distinctive words of a name; beside the rest of the country's
# name ('SAINT MARTIN') the other words still say the place.
_PERSON_NAMES_IN_COUNTRY_NAMES = """
    jan martin vincent lucia helena pierre marshall mcdonald salvador trinidad solomon
    tristan wallis marino
"""
PERSON_NAMES_IN_COUNTRY_NAMES = frozenset(_PERSON_NAMES_IN_COUNTRY_NAMES.split())

# Common words: kept in names (they tell "China Mobile" from "Mobile TeleSystems")
# but a match needs at least one word outside this set.
COMMON_WORDS = frozenset(
    {*_PLACES.split(), *GENERIC_WORDS}
    | {
        token
        for name in ISO_3166_ALPHA2.values()
        for token in fold(name).split()
        if token not in PERSON_NAMES_IN_COUNTRY_NAMES
    }
)

# Words that recur most in people's names: those in the names of eight or more
# persons on the UN consolidated list of 2022-10-21 and the UK consolidated list
# of 2020-04-27 (given names, "abu", "bin", and the surnames of listed families).
# A person's fuller or shorter name is matched only when it shares a word
# outside this set: "ALI, Mohammad" must not find every "ALI, Mohammad X Y".
_PERSON = """
    abu mohammad ali abdul muhammad mohammed mohamed ahmad abd ahmed ben ibrahim hassan
    tikriti abdullah abdallah abou kim hasan omar chol rahman bin hussein aziz akhund salim
    saleh umar haqqani mahmoud haji sheikh yong sayed jan pak chun vladimirovich agha khan
    khalil hamid said reza cho mullah qadhafi mustafa ould haj salih salam habib wali amir
    bashir hamda song majid khalid muhammed jang din adam bakr barzan gul taha karim rahim
    mahmud ismail walid bent trabelsi allah abdel sahib noor saddam sab awi nam choe myong
    vladimir chang son hyok mohamad abubakar sultan abbas hajji shaykh salem hamad aleksandr
    mun yusuf abdurrahman yahya khaled musa jamal amin tahir taher hassen sabawi jong muhamad
    sayyed latif sergey jin uthman ashraf rashid rehman husayn akhtar noorzai sha mansur saif
    hamza hussain qari salah malik saeed kyong muammar hossein won arif man jaber yasser
    khalaf hamed yassin madani ghassan sulaiman the mansour morteza kang adel imad salman
    mostafa sayyid samir sergei igor oleksandr hadi ghafur basir manan iqbal moussa adnan
    youssef nasser masri suleiman khamis mahdi qasim faisal shah amar bilal yasin ismael haq
    malek tong oleg assad ivanovich alexander yurievich
"""
COMMON_PERSON_WORDS = frozenset(_PERSON.split())
