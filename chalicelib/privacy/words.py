"""Word lists behind the name rule. A heuristic, not a register of names:
common first names and surnames in Norway and among the people the centre
serves, and words that start capitalised pairs which are places or
organisations, not people ("til Oslo Legevakt")."""

from __future__ import annotations

FIRST_NAMES = frozenset("""
anna anne astrid berit camilla elin emma eva hanne hege heidi hilde ida ingrid
ingunn julie kari kristin laila lene linda line lise liv maja malin maren maria
marianne marit mette monica nina nora randi ragnhild sara silje siri solveig
sofie thea tone tonje torill trine turid unni vilde wenche anders arne bjørn
daniel eirik erik espen geir hans harald jan jon jonas kjell knut kristian lars
magnus martin morten nils ola ole per petter rune stian terje thomas tor trond
blessing joy precious faith gift mercy grace favour esther happiness princess
peace patience glory success comfort juliet stella vivian gloria chioma ngozi
amaka chinwe adaeze ioana elena andreea mihaela alina ana ion florin andrei
mariana daniela gabriela nicoleta roxana natalia olga irina tatiana svetlana
laura carmen lucía lucia josé jose juan carlos luis rosa isabel marta paula
sofia valentina camila daniela fatima aisha amina mohammed ahmed ali omar
somchai malee siriporn nguyet linh thi mai hoa lan minh
""".split())

SURNAMES = frozenset("""
hansen johansen olsen larsen andersen pedersen nilsen kristiansen jensen
karlsen johnsen pettersen eriksen berg haugen hagen johannessen andreassen
jacobsen dahl jørgensen halvorsen henriksen lund sørensen jakobsen moen
gundersen iversen strand solberg svendsen eide knutsen martinsen paulsen
bakken kristoffersen mathisen lie amundsen rasmussen lunde solheim berge moe
nygård bakke kristensen fredriksen holm lien hauge christensen andresen
nielsen knudsen evensen sæther aas myhre hanssen haugland thomassen sivertsen
simonsen danielsen berntsen sandvik rønning arnesen antonsen næss vik haug
ellingsen thorsen edvardsen birkeland isaksen ruud aasen strøm tangen
ødegård eliassen helland bøe aune mikkelsen tveit brekke abrahamsen madsen
nordmann nguyen tran pham popescu ionescu popa radu okafor okonkwo adeyemi eze
nwosu obi garcía garcia rodríguez rodriguez martínez martinez lópez lopez
gonzález gonzalez pérez perez sánchez sanchez kowalski nowak ahmed hussain
""".split())

SURNAME_ENDINGS = ("sen", "ssen", "son", "sson", "escu", "ova", "ovic", "ović",
                   "enko", "ska", "ski", "dottir")
NOT_SURNAME_ENDINGS = ("elsen", "ningen")  # "Stiftelsen", "Foreningen"

# Capitalised words that make a pair a place or an organisation.
NOT_PEOPLE = frozenset("""
oslo bergen trondheim stavanger tromsø kristiansand drammen fredrikstad bodø
ålesund sandnes sarpsborg skien lillestrøm hamar tønsberg moss haugesund
arendal larvik halden gjøvik molde harstad norge norway noruega akershus
viken vestland rogaland agder innlandet nordland troms finnmark telemark
legevakt legevakten legevakta sykehus sykehuset kommune kommunen nav politi
politiet udi une røde kors kirkens bymisjon frelsesarmeen ullevål
rikshospitalet radiumhospitalet haukeland sentralstasjon stasjon gardermoen
lufthavn flyplass senter senteret klinikk klinikken apotek apoteket rema kiwi
coop meny extra obs ikea ruter vy flytoget jernbanetorget tannlege
tannlegen fastlege fastlegen helsestasjon tingrett tingretten advokat
advokaten universitet universitetet skole skolen bibliotek biblioteket
stiftelsen foreningen kirke kirken moské moskeen mandag tirsdag onsdag
torsdag fredag lørdag søndag januar februar mars april mai juni juli august
september oktober november desember monday tuesday wednesday thursday friday
saturday sunday january february march june july october december
""".split())
